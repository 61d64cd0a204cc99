"""The processes of the messaging benchmark's two pipelines, the kit's and the raw one: a
producer, a relay and a consumer each (see ``messaging_bench``). The orchestrator starts each as
``python messaging_pipelines.py <pipeline>-<process>``, with its :class:`Role` in ``BENCH_ROLE``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
import time
import uuid
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aio_pika
import asyncpg
from messaging_roles import (
    INSERT_APPLIED,
    INSERT_STRUCTURE,
    PREFETCH,
    RABBITMQ_URL,
    RELAY_BATCH,
    ROUTING_KEY,
    ProducerJob,
    Role,
    beneficiary,
    drive,
    mark_start,
    ready,
    role_from_env,
    until_terminated,
    write_times,
)
from sqlalchemy import text

from shared.contracts import BeneficiaryAdded, Envelope
from shared.db import create_engine, to_sync_url
from shared.messaging.consumers import EventConsumers
from shared.messaging.outbox import AggregateRef
from shared.messaging.relay import OutboxRelay
from shared.messaging.tables import OUTBOX_CHANNEL
from shared.messaging.topology import declare_topology
from shared.unit_of_work import UnitOfWork

# -- producers --------------------------------------------------------------------------------


async def _produce(
    role: Role,
    job: ProducerJob,
    times: list[tuple[str, float]],
    one: Callable[[int], Coroutine[Any, Any, None]],
) -> None:
    """The warm-up events flat out, then, once the orchestrator says go (SIGUSR1), the measured
    ones."""
    go = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, go.set)
    await drive(range(job.warmup), None, one)
    times.clear()
    role.file("producer.warm").write_text("")
    await go.wait()
    mark_start(role, "producer")
    await drive(range(job.warmup, job.warmup + job.count), job.rate, one)
    write_times(role.file("produced.json"), times)


async def kit_producer(role: Role, job: ProducerJob) -> None:
    settings = role.settings(role.producer_db)
    engine = create_engine(settings.database_url)
    times: list[tuple[str, float]] = []
    insert = text("INSERT INTO structures (siren) VALUES (:s)")
    through_driver = role.business_sql == "driver"

    async def one(i: int) -> None:
        siren = f"{i:09d}"
        async with UnitOfWork(engine) as uow:
            if through_driver:
                await uow.driver.execute(INSERT_STRUCTURE, siren)
            else:
                await uow.connection.execute(insert, {"s": siren})
            envelope = uow.outbox.add(beneficiary(siren), AggregateRef(siren, None))
            await uow.commit()
        times.append((str(envelope.message_id), time.time()))

    await _produce(role, job, times, one)
    await engine.dispose()


async def raw_producer(role: Role, job: ProducerJob) -> None:
    pool = await asyncpg.create_pool(to_sync_url(role.producer_db), min_size=10, max_size=10)
    times: list[tuple[str, float]] = []

    async def one(i: int) -> None:
        siren = f"{i:09d}"
        message_id = uuid.uuid4()
        event = beneficiary(siren)
        envelope = {
            "message_id": str(message_id),
            "event_type": event.event_type,
            "event_version": event.event_version,
            "occurred_at": datetime.now(UTC).isoformat(),
            "producer": event.producer,
            "aggregate_id": siren,
            "aggregate_version": None,
            "correlation_id": str(uuid.uuid4()),
            "causation_id": None,
            "payload": event.model_dump(mode="json"),
        }
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(INSERT_STRUCTURE, siren)
            await conn.execute(
                "INSERT INTO outbox (id, routing_key, event_type, payload) "
                "VALUES ($1, $2, $3, $4::jsonb)",
                message_id,
                ROUTING_KEY,
                event.event_type,
                json.dumps(envelope),
            )
            await conn.execute(f"NOTIFY {OUTBOX_CHANNEL}")
        times.append((str(message_id), time.time()))

    await _produce(role, job, times, one)
    await pool.close()


# -- relays -----------------------------------------------------------------------------------


async def kit_relay(role: Role) -> None:
    settings = role.settings(role.producer_db)
    relay = OutboxRelay(settings, topology=_kit_consumers.topology(settings), app_id="bench")
    task = asyncio.create_task(relay.run())
    ready(role, "relay")
    await until_terminated()
    relay.stop()
    await task


_RAW_CLAIM = """
SELECT id, routing_key, event_type, payload::text AS payload
FROM outbox
WHERE published_at IS NULL AND available_at <= now()
ORDER BY created_at, id
LIMIT $1
FOR UPDATE SKIP LOCKED
"""


async def raw_relay(role: Role) -> None:
    dsn = to_sync_url(role.producer_db)
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    wake = asyncio.Event()
    listener = await asyncpg.connect(dsn)
    await listener.add_listener(OUTBOX_CHANNEL, lambda *_: wake.set())
    connection = await aio_pika.connect(RABBITMQ_URL)
    channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
    exchange = await channel.declare_exchange(
        f"{role.namespace}.raw", aio_pika.ExchangeType.TOPIC, durable=True
    )

    async def publish(row: asyncpg.Record) -> None:
        message = aio_pika.Message(
            body=row["payload"].encode(),
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            message_id=str(row["id"]),
            type=row["event_type"],
        )
        await exchange.publish(message, routing_key=row["routing_key"], mandatory=True)

    async def loop() -> None:
        while True:
            async with pool.acquire() as conn, conn.transaction():
                rows = await conn.fetch(_RAW_CLAIM, RELAY_BATCH)
                if rows:
                    await asyncio.gather(*(publish(row) for row in rows))
                    await conn.execute(
                        "UPDATE outbox SET published_at = now() WHERE id = ANY($1)",
                        [row["id"] for row in rows],
                    )
            if len(rows) < RELAY_BATCH:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), timeout=1.0)
                wake.clear()

    task = asyncio.create_task(loop())
    ready(role, "relay")
    await until_terminated()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await connection.close()
    await listener.close()
    await pool.close()


# -- consumers --------------------------------------------------------------------------------

_commits: list[tuple[str, float]] = []


class _TimedUnitOfWork(UnitOfWork):
    """Notes when the transaction applying a message has committed."""

    message_id: str | None = None

    async def commit(self) -> None:
        await super().commit()
        if self.message_id is not None:
            _commits.append((self.message_id, time.time()))


_kit_consumers: EventConsumers[_TimedUnitOfWork] = EventConsumers("bench")
_APPLY = text("INSERT INTO applied (message_id, siren) VALUES (:m, :s)")
#: Set from the role in the consumer process (see Role.business_sql).
_handler_through_driver = True


@_kit_consumers.on(BeneficiaryAdded)
async def on_beneficiary_added(
    event: BeneficiaryAdded, envelope: Envelope, uow: _TimedUnitOfWork
) -> None:
    uow.message_id = str(envelope.message_id)
    if _handler_through_driver:
        await uow.driver.execute(INSERT_APPLIED, envelope.message_id, event.siren)
    else:
        await uow.connection.execute(_APPLY, {"m": envelope.message_id, "s": event.siren})


async def kit_consumer(role: Role) -> None:
    global _handler_through_driver
    _handler_through_driver = role.business_sql == "driver"
    settings = role.settings(role.consumer_db)
    engine = create_engine(settings.database_url)
    connection = await aio_pika.connect(settings.rabbitmq_url)
    async with connection:
        await declare_topology(await connection.channel(), _kit_consumers.topology(settings))
    broker = _kit_consumers.build_broker(settings, lambda: _TimedUnitOfWork(engine))
    await broker.start()
    ready(role, "consumer")
    await until_terminated()
    await broker.stop()
    await engine.dispose()
    write_times(role.file("consumed.json"), _commits)


async def raw_consumer(role: Role) -> None:
    pool = await asyncpg.create_pool(to_sync_url(role.consumer_db), min_size=10, max_size=10)
    connection = await aio_pika.connect_robust(RABBITMQ_URL)
    channel = await connection.channel()
    await channel.set_qos(prefetch_count=PREFETCH)
    exchange = await channel.declare_exchange(
        f"{role.namespace}.raw", aio_pika.ExchangeType.TOPIC, durable=True
    )
    queue = await channel.declare_queue(
        role.raw_queue, durable=True, arguments={"x-queue-type": "quorum"}
    )
    await queue.bind(exchange, routing_key=ROUTING_KEY)
    commits: list[tuple[str, float]] = []

    async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        envelope = json.loads(message.body)
        message_id = uuid.UUID(envelope["message_id"])
        async with pool.acquire() as conn:
            async with conn.transaction():
                inserted = await conn.fetchval(
                    "INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) "
                    "ON CONFLICT DO NOTHING RETURNING 1",
                    role.raw_queue,
                    message_id,
                )
                if inserted:
                    await conn.execute(
                        INSERT_APPLIED,
                        message_id,
                        envelope["payload"]["siren"],
                    )
            commits.append((str(message_id), time.time()))
        await message.ack()

    await queue.consume(on_message)
    ready(role, "consumer")
    await until_terminated()
    await connection.close()
    await pool.close()
    write_times(role.file("consumed.json"), commits)


def _child(command: str, rest: list[str]) -> None:
    """Body of a child process: one producer, relay or consumer of one pipeline."""
    role = role_from_env()
    try:
        _run_child(command, rest, role)
    finally:
        # CPU seconds of this process, for the per-stage cost line of the report.
        role.file(f"{command.split('-', 1)[1]}.cpu").write_text(str(time.process_time()))


def _run_child(command: str, rest: list[str], role: Role) -> None:
    if command.endswith("-producer"):
        job = ProducerJob(count=int(rest[0]), rate=float(rest[1]) or None, warmup=int(rest[2]))
        producer = kit_producer if command == "kit-producer" else raw_producer
        asyncio.run(producer(role, job))
        return
    children: dict[str, Callable[[Role], Coroutine[Any, Any, None]]] = {
        "kit-relay": kit_relay,
        "kit-consumer": kit_consumer,
        "raw-relay": raw_relay,
        "raw-consumer": raw_consumer,
    }
    asyncio.run(children[command](role))


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    # With BENCH_PROFILE_DIR set, each process writes a cProfile dump there.
    profile_dir = os.environ.get("BENCH_PROFILE_DIR")
    if not profile_dir:
        _child(sys.argv[1], sys.argv[2:])
        return
    import cProfile

    with cProfile.Profile() as profile:
        _child(sys.argv[1], sys.argv[2:])
    profile.dump_stats(Path(profile_dir) / f"{sys.argv[1]}.{os.getpid()}.prof")


if __name__ == "__main__":
    main()
