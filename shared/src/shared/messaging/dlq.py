"""Inspect and replay dead-lettered messages.

``python -m <service> dlq list`` counts each handler's DLQ; ``dlq show QUEUE`` prints the
parked messages with their error; ``dlq replay QUEUE [--message-id ID]`` sends them back to the
handler's queue with a fresh attempt count. Reading never loses a message: what is shown is
returned to the DLQ unless it is replayed (and it leaves the DLQ only once the copy is confirmed).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage

from shared.messaging.consumers import ATTEMPT_HEADER, ERROR_HEADER, ORIGIN_HEADER
from shared.messaging.topology import ConsumerQueue, Topology


@dataclass(frozen=True)
class ParkedMessage:
    message_id: str | None
    event_type: str | None
    attempts: int
    error: str | None
    origin: str | None
    body: str


async def count(channel: AbstractChannel, queue: ConsumerQueue) -> int:
    declared = await channel.declare_queue(queue.dlq, passive=True)
    return declared.declaration_result.message_count or 0


async def _drain(channel: AbstractChannel, name: str, limit: int) -> list[AbstractIncomingMessage]:
    queue = await channel.declare_queue(name, passive=True)
    taken: list[AbstractIncomingMessage] = []
    while len(taken) < limit:
        message = await queue.get(no_ack=False, fail=False)
        if message is None:
            break
        taken.append(message)
    return taken


def _parked(message: AbstractIncomingMessage) -> ParkedMessage:
    headers: dict[str, Any] = dict(message.headers or {})
    return ParkedMessage(
        message_id=message.message_id,
        event_type=message.type,
        attempts=int(headers.get(ATTEMPT_HEADER, 0) or 0),
        error=_text(headers.get(ERROR_HEADER)),
        origin=_text(headers.get(ORIGIN_HEADER)),
        body=message.body.decode(errors="replace"),
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.decode() if isinstance(value, bytes) else str(value)


async def show(
    channel: AbstractChannel, queue: ConsumerQueue, limit: int = 100
) -> list[ParkedMessage]:
    taken = await _drain(channel, queue.dlq, limit)
    try:
        return [_parked(m) for m in taken]
    finally:
        for message in taken:
            await message.nack(requeue=True)


async def replay(
    channel: AbstractChannel,
    queue: ConsumerQueue,
    *,
    message_id: str | None = None,
    limit: int = 10_000,
) -> int:
    """Send parked messages (all, or the one with ``message_id``) back to the handler's queue."""
    taken = await _drain(channel, queue.dlq, limit)
    replayed = 0
    for message in taken:
        if message_id is not None and message.message_id != message_id:
            await message.nack(requeue=True)
            continue
        headers = dict(message.headers or {})
        headers[ATTEMPT_HEADER] = 1
        headers.pop(ERROR_HEADER, None)
        await channel.default_exchange.publish(
            aio_pika.Message(
                body=message.body,
                headers=headers,
                content_type=message.content_type,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                message_id=message.message_id,
                correlation_id=message.correlation_id,
                type=message.type,
                app_id=message.app_id,
                timestamp=message.timestamp,
            ),
            routing_key=queue.name,
            mandatory=True,
        )
        await message.ack()
        replayed += 1
    return replayed


async def run_command(url: str, topology: Topology, args: Any) -> int:
    """Body of the ``dlq`` sub-command of a service's CLI."""
    by_name = {q.name: q for q in topology.queues}
    by_handler = {q.name.rsplit(".", 1)[-1]: q for q in topology.queues}
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        if args.dlq_command == "list":
            for q in topology.queues:
                print(f"{q.dlq}\t{await count(channel, q)}")
            return 0
        queue = by_name.get(args.queue) or by_handler.get(args.queue)
        if queue is None:
            print(f"unknown queue {args.queue}; one of: {', '.join(by_handler)}")
            return 2
        if args.dlq_command == "show":
            for parked in await show(channel, queue, args.limit):
                print(json.dumps(parked.__dict__, ensure_ascii=False))
            return 0
        replayed = await replay(channel, queue, message_id=args.message_id)
        print(f"replayed {replayed} message(s) to {queue.name}")
        return 0
