"""Handlers that apply many deliveries of their queue in one transaction.

A handler registered with :meth:`~shared.messaging.consumers.EventConsumers.on_batch` takes a
list of deliveries: those its queue brought while the previous batch was applied, at most
``max_batch``. One transaction per batch: the inbox claims of all (a message applied before is
left out of the list), the handler, the outbox rows, commit; then each message is acknowledged.
What a one-at-a-time handler pays per message (its transaction, its commit's WAL flush, the
locks it holds until then) is paid once per batch: a service whose handler serialises on a
lock (billing's invoice counter, F2) applies a burst of events at the rate of its statements,
not of its commits.

One batch at a time per queue and process, in the order of arrival: the events of one
aggregate keep the queue's order, as with a one-at-a-time handler. A batch that fails is
applied again one delivery at a time, each in its own transaction as
:class:`~shared.messaging.subscriber.QueueSubscriber` applies it: only the delivery that fails
is retried, then parked in the DLQ; the others are applied. Batches do not take a projection's
version guard (its handlers are one at a time).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from aio_pika.abc import AbstractIncomingMessage
from pydantic import ValidationError

from shared.contracts.base import Event
from shared.contracts.envelope import Envelope
from shared.contracts.registry import UnknownEventError
from shared.correlation import bind
from shared.messaging import inbox
from shared.messaging.subscriber import QueueSubscriber
from shared.unit_of_work import UnitOfWork

log = logging.getLogger("shared.messaging.consumers")

E = TypeVar("E", bound=Event)
U = TypeVar("U", bound=UnitOfWork)


@dataclass(frozen=True)
class Delivery(Generic[E]):
    """One delivery of a batch: its event and its envelope."""

    event: E
    envelope: Envelope

    def bind(self) -> None:
        """Make this delivery the cause of the events the handler adds from now on (their
        correlation id and causation id), as the kit does for a one-at-a-time handler."""
        bind(self.envelope.correlation_id, str(self.envelope.message_id))


BatchHandler = Callable[[Sequence[Delivery[Any]], U], Awaitable[None]]


async def apply_batch(
    uow_factory: Callable[[], U],
    consumer: str,
    handler: BatchHandler[U],
    deliveries: Sequence[Delivery[Any]],
) -> tuple[int, int]:
    """Apply ``deliveries`` in one transaction, each once (the inbox of ``consumer``):
    returns (applied, duplicates)."""
    async with uow_factory() as uow:
        claimed = await inbox.claim_many(
            uow.driver, consumer, [d.envelope.message_id for d in deliveries]
        )
        fresh: list[Delivery[Any]] = []
        for delivery in deliveries:
            if delivery.envelope.message_id in claimed:
                claimed.discard(delivery.envelope.message_id)  # twice in the batch: once
                fresh.append(delivery)
        if fresh:
            await handler(fresh, uow)
        await uow.commit()
    return len(fresh), len(deliveries) - len(fresh)


Taken = tuple[AbstractIncomingMessage, tuple[Envelope, Event] | str]


@dataclass
class BatchSubscriber(QueueSubscriber[U]):
    """A queue whose handler takes batches: what arrives waits in a buffer, and one task
    applies it, ``max_batch`` at a time, while deliveries go on arriving (up to the prefetch)."""

    batch_handler: BatchHandler[U] | None = None
    max_batch: int = 100

    _buffer: list[Taken] = field(init=False, default_factory=list)
    _runner: asyncio.Task[None] | None = field(init=False, default=None)

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        try:
            decoded: tuple[Envelope, Event] | str = self._decode(message.body)
        except (ValidationError, UnknownEventError, ValueError) as exc:
            decoded = f"undecodable: {exc}"
        self._buffer.append((message, decoded))
        if self._runner is None or self._runner.done():
            task = asyncio.create_task(self._run())
            self._runner = task
            self._in_flight.add(task)
            self._idle.clear()
            task.add_done_callback(lambda done: self._finished(None, done))

    async def _run(self) -> None:
        while self._buffer and not self._stopping:
            taken, self._buffer = self._buffer[: self.max_batch], self._buffer[self.max_batch :]
            try:
                await self._apply_taken(taken)
            except Exception:
                # the channel went away under it (ack, nack): the broker delivers them again
                log.exception("%s: a batch of %d not settled", self.queue.name, len(taken))

    async def _apply_taken(self, taken: list[Taken]) -> None:
        good: list[tuple[AbstractIncomingMessage, Envelope, Event]] = []
        for message, decoded in taken:
            if isinstance(decoded, str):
                await self._park_undecodable(message, decoded)
            else:
                good.append((message, *decoded))
        if not good:
            return
        assert self.batch_handler is not None
        deliveries = [Delivery(event, envelope) for _, envelope, event in good]
        try:
            applied, duplicates = await apply_batch(
                self.uow_factory, self.queue.name, self.batch_handler, deliveries
            )
        except Exception as exc:
            log.warning(
                "%s: a batch of %d failed (%s: %s); applying it one delivery at a time",
                self.queue.name,
                len(good),
                type(exc).__name__,
                exc,
            )
            for message, envelope, event in good:
                await self._process(message, envelope, event)
            return
        self.stats.applied += applied
        self.stats.duplicates += duplicates
        for message, _, _ in good:
            await message.ack()
