"""Handlers that apply many deliveries of their queue in one transaction.

A handler registered with :meth:`~shared.messaging.consumers.EventConsumers.on_batch` takes a
list of deliveries: those its queue brought while the previous batch was applied, at most
``max_batch``. One transaction per batch: the inbox claims of all (a message applied before is
left out of the list), the handler, the outbox rows, commit; then each message is acknowledged.
What a one-at-a-time handler pays per message (its transaction, its commit's WAL flush, the
locks it holds until then) is paid once per batch: a service whose handler serialises on a
lock (billing's invoice counter, F2) applies a burst of events at the rate of its statements,
not of its commits.

Up to two batches at a time per queue and process (one's Python overlapping the other's
statements), never two holding events of one aggregate: the events of one aggregate are
applied in the queue's order, as with a one-at-a-time handler. A batch that fails is
applied again one delivery at a time, each in its own transaction as
:class:`~shared.messaging.subscriber.QueueSubscriber` applies it: only the delivery that fails
is retried, then parked in the DLQ; the others are applied. Batches do not take a projection's
version guard (its handlers are one at a time).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence, Set
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
from shared.observability.tracing import batch_span, failed_span
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
T = TypeVar("T")
#: Batches of one queue applied at once by one process.
AT_ONCE = 2


def take_batch(
    buffer: Sequence[T], busy: Set[str], max_batch: int, key_of: Callable[[T], str | None]
) -> tuple[list[T], list[T]]:
    """(taken, kept): the first ``max_batch`` items of ``buffer`` that are not of an aggregate
    in ``busy`` (being applied), nor behind one of their aggregate that is kept; the kept ones
    in their order. Items without an aggregate (``key_of`` None) are never held back."""
    held = set(busy)
    taken: list[T] = []
    kept: list[T] = []
    for item in buffer:
        key = key_of(item)
        if len(taken) < max_batch and (key is None or key not in held):
            taken.append(item)
        else:
            kept.append(item)
            if key is not None:
                held.add(key)
    return taken, kept


def _aggregate(item: Taken) -> str | None:
    decoded = item[1]
    return decoded[0].aggregate_id if isinstance(decoded, tuple) else None


@dataclass
class BatchSubscriber(QueueSubscriber[U]):
    """A queue whose handler takes batches: what arrives waits in a buffer, and up to
    ``at_once`` tasks apply it, ``max_batch`` deliveries at a time, while deliveries go on
    arriving (up to the prefetch). Two batches applied at once never hold deliveries of one
    aggregate: one batch's Python overlaps the other's statements, the order of an aggregate's
    events is kept."""

    batch_handler: BatchHandler[U] | None = None
    max_batch: int = 100
    at_once: int = AT_ONCE

    _buffer: list[Taken] = field(init=False, default_factory=list)
    #: The aggregates of each batch being applied.
    _busy: dict[int, set[str]] = field(init=False, default_factory=dict)
    _runners: set[asyncio.Task[None]] = field(init=False, default_factory=set)

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        try:
            decoded: tuple[Envelope, Event] | str = self._decode(message.body)
        except (ValidationError, UnknownEventError, ValueError) as exc:
            decoded = f"undecodable: {exc}"
        self._buffer.append((message, decoded))
        if len(self._runners) < max(1, self.at_once):
            task = asyncio.create_task(self._run())
            self._runners.add(task)
            self._in_flight.add(task)
            self._idle.clear()
            task.add_done_callback(self._runner_done)

    def _runner_done(self, task: asyncio.Task[None]) -> None:
        self._runners.discard(task)
        self._finished(None, task)

    async def _run(self) -> None:
        me = id(asyncio.current_task())
        try:
            while not self._stopping:
                busy = set().union(*self._busy.values())
                taken, self._buffer = take_batch(self._buffer, busy, self.max_batch, _aggregate)
                if not taken:
                    return  # what is left waits for a batch being applied: its runner takes it
                self._busy[me] = {k for k in map(_aggregate, taken) if k is not None}
                try:
                    await self._apply_taken(taken)
                except Exception:
                    # the channel went away under it (ack, nack): the broker delivers it again
                    log.exception("%s: a batch of %d not settled", self.queue.name, len(taken))
                finally:
                    del self._busy[me]
        finally:
            self._busy.pop(me, None)

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
        started = time.perf_counter()
        span = (
            contextlib.nullcontext(None)
            if self.tracer is None
            else batch_span(self.tracer, self.queue.name, [message for message, _, _ in good])
        )
        try:
            with span as current:
                try:
                    applied, duplicates = await apply_batch(
                        self.uow_factory, self.queue.name, self.batch_handler, deliveries
                    )
                except Exception as exc:
                    if current is not None:
                        failed_span(current, exc)
                    raise
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
        self._metrics.applied.inc(applied)
        self._metrics.duplicate.inc(duplicates)
        self._metrics.handling.observe(time.perf_counter() - started)
        for message, _, _ in good:
            await message.ack()
