"""The kit's consumers on aio-pika: the loop that applies each delivery of a handler's queue.

Each message goes through this module's code only, between aio-pika's delivery and the
handler: decoded once, applied in its own transaction (inbox claim, version guard, handler,
outbox rows, commit), then acknowledged. No per-message framework pipeline (middlewares,
dependency injection, context scopes, log records): FastStream only describes the subscriptions
in the AsyncAPI document (:class:`shared.messaging.consumers.ConsumerBroker`).

Concurrency: up to ``concurrency`` messages of a queue are applied at once, each in a task of
its own, but a message waits for the one of the same aggregate that arrived before it: the
events of one aggregate never overlap and keep the queue's order, and a slow message holds back
only the later events of its own aggregate. A lost connection does not cancel a message being
applied: its transaction ends as it would have, only its ack is lost, and the broker's
redelivery is then a duplicate.

Failures: a message whose handler raises is republished (publisher confirms) to a delay queue
with its attempt count in ``x-attempt``, or after ``max_attempts`` to the queue's DLQ, and only
then acknowledged; one that cannot be decoded goes to the DLQ at once. If even the republish
fails, the message is handed back to the broker (nack) to come again.

Observability: each queue's outcomes, failures, retries, DLQ moves and handling time are
Prometheus series (:mod:`shared.observability.metrics`, label children resolved once per
queue); with a tracer, each delivery is applied in a consumer span, child of the trace context
its headers carry (:mod:`shared.observability.tracing`).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

import aio_pika
from aio_pika.abc import (
    AbstractChannel,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
)
from opentelemetry.trace import Span, Tracer
from pydantic import ValidationError

from shared.contracts.base import Event
from shared.contracts.envelope import Envelope
from shared.contracts.registry import REGISTRY, UnknownEventError
from shared.correlation import bind
from shared.messaging import inbox, versions
from shared.messaging.topology import ConsumerQueue, Topology
from shared.observability.metrics import QueueMetrics
from shared.observability.tracing import consumer_span, failed_span
from shared.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from shared.messaging.consumers import ConsumerStats, Registration

log = logging.getLogger("shared.messaging.consumers")

ATTEMPT_HEADER = "x-attempt"
ERROR_HEADER = "x-last-error"
ORIGIN_HEADER = "x-origin-queue"
#: Seconds between reconnection attempts when the broker went away.
RECONNECT_INTERVAL_S = 1.0
#: A republish not confirmed within this time fails (the message is handed back, not lost).
PUBLISH_TIMEOUT_S = 30.0
#: How long stopping waits for the messages being applied (then their transactions roll back).
STOP_GRACE_S = 10.0
_UNTRACED = contextlib.nullcontext(None)

U = TypeVar("U", bound=UnitOfWork)


class Outcome(enum.Enum):
    """What applying one delivery did."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"
    STALE = "stale"


@dataclass
class QueueSubscriber(Generic[U]):
    """One handler's queue: its channel, its concurrency, and what each delivery goes through."""

    registration: Registration[U]
    queue: ConsumerQueue
    topology: Topology
    uow_factory: Callable[[], U]
    max_attempts: int
    stats: ConsumerStats
    prefetch: int
    concurrency: int = 1
    #: Each delivery is applied in a span of this tracer; ``None``: tracing is off.
    tracer: Tracer | None = None

    _metrics: QueueMetrics = field(init=False)
    _channel: AbstractChannel | None = field(init=False, default=None)
    _publisher: AbstractChannel | None = field(init=False, default=None)
    _amqp_queue: AbstractQueue | None = field(init=False, default=None)
    _consumer_tag: str | None = field(init=False, default=None)
    _slots: asyncio.Semaphore = field(init=False)
    #: Per aggregate, the delivery applied last or waiting: the next one of it waits for it.
    _tails: dict[str, asyncio.Task[None]] = field(init=False, default_factory=dict)
    _in_flight: set[asyncio.Task[None]] = field(init=False, default_factory=set)
    _idle: asyncio.Event = field(init=False, default_factory=asyncio.Event)
    _stopping: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self._slots = asyncio.Semaphore(max(1, self.concurrency))
        self._idle.set()
        self._metrics = QueueMetrics.of(self.queue.name)

    async def start(self, connection: AbstractRobustConnection, publisher: AbstractChannel) -> None:
        """Declare the queue (as the topology does) and consume it."""
        self._publisher = publisher
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=self.prefetch)
        exchange = await channel.declare_exchange(
            self.topology.exchange, aio_pika.ExchangeType.TOPIC, durable=True
        )
        queue = await channel.declare_queue(
            self.queue.name,
            durable=True,
            arguments=self.queue.main_arguments(self.topology.dead_letter_exchange),
        )
        for key in self.queue.routing_keys:
            await queue.bind(exchange, routing_key=key)
        self._channel, self._amqp_queue = channel, queue
        self._stopping = False
        self._consumer_tag = await queue.consume(self._on_message)

    async def drain(self) -> None:
        """Take no more messages and finish applying those already taken."""
        await self._cancel_consumer()
        await self._idle.wait()

    async def stop(self) -> None:
        """Stop consuming: the messages being applied are finished (for a while), those not
        begun go back to the queue with the channel, unacknowledged."""
        await self._cancel_consumer()
        self._stopping = True
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(STOP_GRACE_S):
                await self._idle.wait()
        for task in list(self._in_flight):
            task.cancel()
        await asyncio.gather(*self._in_flight, return_exceptions=True)
        channel, self._channel = self._channel, None
        if channel is not None and not channel.is_closed:
            try:
                await channel.close()
            except Exception as exc:
                log.warning("%s: could not close the channel: %r", self.queue.name, exc)

    async def _cancel_consumer(self) -> None:
        tag, self._consumer_tag = self._consumer_tag, None
        if self._amqp_queue is not None and tag is not None:
            try:
                await self._amqp_queue.cancel(tag)
            except Exception as exc:  # a lost channel: what it held goes back to the queue
                log.warning("%s: could not cancel the consumer: %r", self.queue.name, exc)

    # -- one delivery ------------------------------------------------------------------------

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        """Take the delivery's place after the previous one of its aggregate (before any
        ``await``: in the order of arrival) and apply it in a task of its own."""
        try:
            decoded: tuple[Envelope, Event] | str = self._decode(message.body)
        except (ValidationError, UnknownEventError, ValueError) as exc:
            decoded = f"undecodable: {exc}"
        key = decoded[0].aggregate_id if isinstance(decoded, tuple) else None
        previous = self._tails.get(key) if key is not None else None
        task = asyncio.create_task(self._deliver(message, decoded, previous))
        if key is not None:
            self._tails[key] = task
        self._in_flight.add(task)
        self._idle.clear()
        task.add_done_callback(lambda done: self._finished(key, done))

    def _finished(self, key: str | None, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        if key is not None and self._tails.get(key) is task:
            del self._tails[key]
        if not self._in_flight:
            self._idle.set()

    async def _deliver(
        self,
        message: AbstractIncomingMessage,
        decoded: tuple[Envelope, Event] | str,
        previous: asyncio.Task[None] | None,
    ) -> None:
        try:
            if previous is not None:
                await asyncio.wait((previous,))
            async with self._slots:
                if self._stopping:
                    return  # not begun: back to the queue with the channel
                if isinstance(decoded, str):
                    await self._park_undecodable(message, decoded)
                else:
                    await self._process(message, *decoded)
        except Exception:
            # The channel went away under it (ack, nack): the broker delivers it again.
            log.exception("%s: delivery %s not settled", self.queue.name, message.message_id)

    def _decode(self, body: bytes) -> tuple[Envelope, Event]:
        envelope = Envelope.model_validate_json(body)
        event = REGISTRY.decode(envelope)
        if type(event) is not self.registration.model:
            raise UnknownEventError(
                f"{envelope.event_type} v{envelope.event_version} is not the "
                f"{self.registration.model.event_type} this queue takes"
            )
        return envelope, event

    async def _process(
        self, message: AbstractIncomingMessage, envelope: Envelope, event: Event
    ) -> None:
        bind(envelope.correlation_id, str(envelope.message_id))
        metrics = self._metrics
        started = time.perf_counter()
        span: Span | None
        with (
            _UNTRACED
            if self.tracer is None
            else consumer_span(self.tracer, self.queue.name, message, envelope)
        ) as span:
            try:
                outcome = await self.apply(event, envelope)
            except Exception as exc:
                metrics.failed.inc()
                if span is not None:
                    failed_span(span, exc)
                await self._failed(message, envelope, exc)
            else:
                if outcome is Outcome.APPLIED:
                    self.stats.applied += 1
                    metrics.applied.inc()
                elif outcome is Outcome.STALE:
                    self.stats.stale += 1
                    metrics.stale.inc()
                else:
                    self.stats.duplicates += 1
                    metrics.duplicate.inc()
                await message.ack()
        metrics.handling.observe(time.perf_counter() - started)

    async def apply(self, event: Event, envelope: Envelope) -> Outcome:
        """Apply once, unless the inbox saw it before or the projection has a newer version."""
        async with self.uow_factory() as uow:
            if not await inbox.claim(uow.driver, self.queue.name, envelope.message_id):
                return Outcome.DUPLICATE
            projection = self.registration.projection
            if (
                projection is not None
                and envelope.aggregate_version is not None
                and not await versions.advance(
                    uow.driver, projection, envelope.aggregate_id, envelope.aggregate_version
                )
            ):
                # the inbox claim commits: a redelivery is then a plain duplicate
                await uow.commit()
                log.info(
                    "%s: stale %s %s v%d ignored",
                    self.queue.name,
                    envelope.event_type,
                    envelope.aggregate_id,
                    envelope.aggregate_version,
                )
                return Outcome.STALE
            await self.registration.handler(event, envelope, uow)
            await uow.commit()
            return Outcome.APPLIED

    async def _failed(
        self, message: AbstractIncomingMessage, envelope: Envelope, exc: Exception
    ) -> None:
        attempt = _attempt(message)
        error = f"{type(exc).__name__}: {exc}"
        if attempt >= self.max_attempts:
            log.error(
                "%s: %s %s failed %d times, parked in %s: %s",
                self.queue.name,
                envelope.event_type,
                envelope.message_id,
                attempt,
                self.queue.dlq,
                error,
            )
            if await self._republish(message, self.queue.dlq, attempt, error):
                self.stats.dead_lettered += 1
                self._metrics.dead_lettered.inc()
            return
        log.warning(
            "%s: %s %s failed (attempt %d), will retry: %s",
            self.queue.name,
            envelope.event_type,
            envelope.message_id,
            attempt,
            error,
        )
        retry = self.queue.retry_queue_for_attempt(attempt)
        if await self._republish(message, retry, attempt + 1, error):
            self.stats.retried += 1
            self._metrics.retried.inc()

    async def _park_undecodable(self, message: AbstractIncomingMessage, error: str) -> None:
        log.error(
            "%s: undecodable message %s parked in %s: %s",
            self.queue.name,
            message.message_id,
            self.queue.dlq,
            error,
        )
        self._metrics.failed.inc()
        if await self._republish(message, self.queue.dlq, _attempt(message), error):
            self.stats.dead_lettered += 1
            self._metrics.dead_lettered.inc()

    async def _republish(
        self, message: AbstractIncomingMessage, queue: str, attempt: int, error: str
    ) -> bool:
        """Copy ``message`` to ``queue`` (confirmed), then ack it; if the copy fails, nack it."""
        assert self._publisher is not None
        headers = dict(message.headers or {})
        headers[ATTEMPT_HEADER] = attempt
        headers[ERROR_HEADER] = error[:1000]
        headers[ORIGIN_HEADER] = self.queue.name
        copy = aio_pika.Message(
            message.body,
            headers=headers,
            content_type=message.content_type or "application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            message_id=message.message_id,
            correlation_id=message.correlation_id,
            type=message.type,
            app_id=message.app_id,
            timestamp=message.timestamp,
        )
        try:
            await self._publisher.default_exchange.publish(
                copy, routing_key=queue, mandatory=True, timeout=PUBLISH_TIMEOUT_S
            )
        except Exception as exc:
            log.error(
                "%s: %s could not be moved to %s (%r); the broker delivers it again",
                self.queue.name,
                message.message_id,
                queue,
                exc,
            )
            await message.nack(requeue=True)
            return False
        await message.ack()
        return True


def _attempt(message: AbstractIncomingMessage) -> int:
    """The delivery's attempt (1 for a message never retried); a header we did not write,
    unreadable, counts as a first attempt."""
    value = (message.headers or {}).get(ATTEMPT_HEADER)
    return value if isinstance(value, int) and value > 0 else 1


async def connect(url: str, service: str) -> tuple[AbstractRobustConnection, AbstractChannel]:
    """The consumers' connection (it reconnects, and its channels, queues and consumers come
    back with it) and the channel they republish on, with publisher confirms."""
    connection = await aio_pika.connect_robust(
        url,
        reconnect_interval=RECONNECT_INTERVAL_S,
        client_properties={"connection_name": f"{service} consumers"},
    )
    publisher = await connection.channel(publisher_confirms=True, on_return_raises=True)
    return connection, publisher
