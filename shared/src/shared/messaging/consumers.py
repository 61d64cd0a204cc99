"""A service's event handlers, applied through the inbox, with retries and a DLQ.

A service declares its handlers once::

    consumers = EventConsumers("billing")

    @consumers.on(MembershipApproved)
    async def on_membership_approved(event, envelope, uow): ...

or, for a handler that takes many deliveries in one transaction
(:mod:`shared.messaging.batches`)::

    @consumers.on_batch(MembershipRenewalRequested, max_batch=200)
    async def on_membership_renewal_requested(deliveries, uow): ...

and :meth:`EventConsumers.build_broker` gives the broker that consumes their queues (one
durable quorum queue per handler). Each delivery runs in one transaction: inbox claim, version
guard, handler, outbox rows, commit; the message is acknowledged only after that. A failure is
republished to a delayed retry queue with the attempt count in our own header (``x-attempt``),
then acked; after ``max_attempts`` it rests in the queue's DLQ with the error. A message that
cannot be decoded goes to the DLQ at once: retrying would not help. The loop itself is in
:mod:`shared.messaging.subscriber`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields
from types import TracebackType
from typing import Any, Generic, TypeVar

from aio_pika.abc import AbstractChannel, AbstractRobustConnection
from faststream.rabbit import RabbitBroker
from opentelemetry.trace import Tracer

from shared.asyncapi import Consumed
from shared.contracts.base import Event
from shared.contracts.envelope import Envelope
from shared.messaging.batches import BatchHandler, BatchSubscriber, Delivery
from shared.messaging.subscriber import (
    ATTEMPT_HEADER,
    ERROR_HEADER,
    ORIGIN_HEADER,
    Outcome,
    QueueSubscriber,
    connect,
)
from shared.messaging.topology import ConsumerQueue, Topology
from shared.observability.metrics import DLQ_DEPTH
from shared.settings import ServiceSettings
from shared.unit_of_work import UnitOfWork

__all__ = [
    "ATTEMPT_HEADER",
    "ERROR_HEADER",
    "ORIGIN_HEADER",
    "ConsumerBroker",
    "ConsumerStats",
    "Delivery",
    "EventConsumers",
    "Outcome",
    "Registration",
    "handler_name",
]

U = TypeVar("U", bound=UnitOfWork)
Handler = Callable[[Any, Envelope, U], Awaitable[None]]


def handler_name(model: type[Event]) -> str:
    """``MembershipApproved`` -> ``on_membership_approved``."""
    return "on_" + re.sub(r"(?<!^)(?=[A-Z])", "_", model.event_type).lower()


@dataclass
class ConsumerStats:
    """What the subscribers of one :class:`EventConsumers` did since the process started."""

    applied: int = 0
    duplicates: int = 0
    #: Older than a version of the same aggregate already applied to the projection.
    stale: int = 0
    retried: int = 0
    dead_lettered: int = 0


@dataclass(frozen=True)
class Registration(Generic[U]):
    model: type[Event]
    name: str
    handler: Handler[U]
    #: Handlers feeding one projection share its name: an event older than one applied to it
    #: for the same aggregate is dropped (:mod:`shared.messaging.versions`).
    projection: str | None = None
    #: A handler of batches (``handler`` then applies one delivery through it).
    batch: BatchHandler[U] | None = None
    max_batch: int = 1


class EventConsumers(Generic[U]):
    def __init__(self, service: str) -> None:
        self.service = service
        self._registrations: list[Registration[U]] = []
        self.stats = ConsumerStats()

    def on(
        self, model: type[Event], *, name: str | None = None, projection: str | None = None
    ) -> Callable[[Handler[U]], Handler[U]]:
        """Register a handler; with ``projection``, a stale event (older ``aggregate_version``
        than one applied to that projection) is acknowledged and not applied."""

        def register(fn: Handler[U]) -> Handler[U]:
            self._registrations.append(
                Registration(model, name or handler_name(model), fn, projection)
            )
            return fn

        return register

    def on_batch(
        self, model: type[Event], *, max_batch: int, name: str | None = None
    ) -> Callable[[BatchHandler[U]], BatchHandler[U]]:
        """Register a handler of up to ``max_batch`` deliveries at once, in one transaction
        (:mod:`shared.messaging.batches`)."""
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")

        def register(fn: BatchHandler[U]) -> BatchHandler[U]:
            async def one(event: Any, envelope: Envelope, uow: U) -> None:
                await fn([Delivery(event, envelope)], uow)

            one.__doc__ = fn.__doc__
            self._registrations.append(
                Registration(model, name or handler_name(model), one, batch=fn, max_batch=max_batch)
            )
            return fn

        return register

    async def drain(self, broker: RabbitBroker) -> None:
        """Stop taking messages and wait until those ``broker`` took are applied."""
        if isinstance(broker, ConsumerBroker):
            await broker.drain()

    async def observe_dead_letters(self, broker: RabbitBroker) -> None:
        """Read the depth of each handler's DLQ into ``messaging_dlq_messages``."""
        if isinstance(broker, ConsumerBroker):
            await broker.observe_dead_letters()

    def topology(self, settings: ServiceSettings) -> Topology:
        delays = tuple(settings.consumer_retry_delays_ms)
        return Topology(
            namespace=settings.rabbitmq_namespace,
            queues=tuple(
                ConsumerQueue(
                    name=f"{settings.rabbitmq_namespace}.{self.service}.{r.name}",
                    routing_keys=(r.model.routing_key(),),
                    retry_delays_ms=delays,
                )
                for r in self._registrations
            ),
        )

    def build_broker(
        self,
        settings: ServiceSettings,
        uow_factory: Callable[[], U],
        *,
        tracer: Tracer | None = None,
    ) -> RabbitBroker:
        """The broker consuming every handler's queue once started; with ``tracer``, each
        delivery is applied in a span of it."""
        topology = self.topology(settings)
        subscribers = [
            QueueSubscriber(
                registration=registration,
                queue=queue,
                topology=topology,
                uow_factory=uow_factory,
                max_attempts=settings.consumer_max_attempts,
                stats=self.stats,
                prefetch=settings.consumer_prefetch,
                concurrency=settings.consumer_concurrency,
                tracer=tracer,
            )
            for registration, queue in zip(self._registrations, topology.queues, strict=True)
        ]
        subscribers = [_batched(subscriber) for subscriber in subscribers]
        return ConsumerBroker(settings.rabbitmq_url, self.service, subscribers)

    @property
    def registrations(self) -> tuple[Registration[U], ...]:
        return tuple(self._registrations)

    def consumed(self, settings: ServiceSettings) -> list[Consumed]:
        """Each handler's queue as the AsyncAPI document shows it."""
        topology = self.topology(settings)
        return [
            Consumed(
                queue=queue.name,
                routing_key=queue.routing_keys[0],
                model=registration.model,
                description=" ".join((registration.handler.__doc__ or "").split()),
            )
            for registration, queue in zip(self._registrations, topology.queues, strict=True)
        ]


def _batched(subscriber: QueueSubscriber[U]) -> QueueSubscriber[U]:
    """The subscriber of a batch handler's queue: the same, taking batches."""
    registration = subscriber.registration
    if registration.batch is None:
        return subscriber
    same = {f.name: getattr(subscriber, f.name) for f in fields(subscriber) if f.init}
    # a full batch may arrive while the previous one is applied
    same["prefetch"] = max(subscriber.prefetch, 2 * registration.max_batch)
    return BatchSubscriber(
        **same, batch_handler=registration.batch, max_batch=registration.max_batch
    )


class ConsumerBroker(RabbitBroker):
    """FastStream's broker (its ``ping`` is the worker's heartbeat), consuming with the kit's
    loop: :meth:`start` and :meth:`stop` run the
    :class:`~shared.messaging.subscriber.QueueSubscriber` of each handler, on one aio-pika
    connection that reconnects by itself. The AsyncAPI document is built from the
    registrations (:mod:`shared.asyncapi`), not from this broker. FastStream's per-message
    pipeline (its middlewares, context scopes and log records, features the kit does not use)
    made most of what a consumer cost above a plain aio-pika consumer doing the same work.
    """

    def __init__(self, url: str, service: str, subscribers: list[QueueSubscriber[Any]]) -> None:
        super().__init__(
            url,
            app_id=service,
            description=f"Cap Métiers {service} service: events it consumes.",
        )
        self._url = url
        self._service = service
        self._queue_subscribers = subscribers
        self._consuming: AbstractRobustConnection | None = None
        self._publisher: AbstractChannel | None = None

    async def start(self) -> None:
        """Consume every handler's queue (declaring it, as the topology does)."""
        connection, publisher = await connect(self._url, self._service)
        self._consuming, self._publisher = connection, publisher
        try:
            for subscriber in self._queue_subscribers:
                await subscriber.start(connection, publisher)
        except BaseException:
            await self.stop()
            raise

    async def drain(self) -> None:
        """Take no more messages and finish applying those taken."""
        for subscriber in self._queue_subscribers:
            await subscriber.drain()

    async def observe_dead_letters(self) -> None:
        """Read the depth of each handler's DLQ (a passive declaration on a channel of its
        own) into ``messaging_dlq_messages``, labelled by the handler's queue."""
        if self._consuming is None:
            return
        channel = await self._consuming.channel()
        try:
            for subscriber in self._queue_subscribers:
                declared = await channel.declare_queue(subscriber.queue.dlq, passive=True)
                depth = declared.declaration_result.message_count or 0
                DLQ_DEPTH.labels(subscriber.queue.name).set(depth)
        finally:
            if not channel.is_closed:
                await channel.close()

    async def stop(
        self,
        exc_type: type[BaseException] | None = None,
        exc_val: BaseException | None = None,
        exc_tb: TracebackType | None = None,
    ) -> None:
        """Stop consuming; what is taken and not applied yet goes back to the queue."""
        for subscriber in self._queue_subscribers:
            await subscriber.stop()
        connection, self._consuming, self._publisher = self._consuming, None, None
        if connection is not None:
            await connection.close()
