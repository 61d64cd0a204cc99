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
from typing import Any, Generic, TypeVar, cast

from aio_pika.abc import AbstractChannel, AbstractRobustConnection
from faststream.rabbit import ExchangeType, QueueType, RabbitBroker, RabbitExchange, RabbitQueue

from shared.asyncapi import envelope_of
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

    def build_broker(self, settings: ServiceSettings, uow_factory: Callable[[], U]) -> RabbitBroker:
        """The broker consuming every handler's queue once started (also what the AsyncAPI
        document shows)."""
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
            )
            for registration, queue in zip(self._registrations, topology.queues, strict=True)
        ]
        subscribers = [_batched(subscriber) for subscriber in subscribers]
        broker = ConsumerBroker(settings.rabbitmq_url, self.service, subscribers)
        exchange = RabbitExchange(topology.exchange, type=ExchangeType.TOPIC, durable=True)
        for subscriber in subscribers:
            registration, queue = subscriber.registration, subscriber.queue
            broker.subscriber(
                RabbitQueue(
                    queue.name,
                    queue_type=QueueType.QUORUM,
                    durable=True,
                    arguments=cast(Any, queue.main_arguments(topology.dead_letter_exchange)),
                    routing_key=queue.routing_keys[0],
                ),
                exchange,
                title=queue.name,
                description=(registration.handler.__doc__ or "").strip() or None,
            )(_documented(registration.model))
        return broker


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
    """FastStream's broker as the AsyncAPI document reads it, consuming with the kit's loop.

    Its subscribers and publishers (:func:`shared.asyncapi.document_publications`) describe the
    service's channels; FastStream never consumes them. :meth:`start` and :meth:`stop` run the
    :class:`~shared.messaging.subscriber.QueueSubscriber` of each handler instead, on one
    aio-pika connection that reconnects by itself. FastStream's per-message pipeline (its
    middlewares, context scopes and log records, features the kit does not use) made most of
    what a consumer cost above a plain aio-pika consumer doing the same work.
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


def _documented(model: type[Event]) -> Callable[..., Awaitable[None]]:
    """A subscriber function for the AsyncAPI document only: its parameter is the envelope of
    ``model``, which FastStream shows as the channel's message."""

    async def consumes(envelope: Any) -> None:
        raise NotImplementedError("documentation only: the kit consumes (see ConsumerBroker)")

    consumes.__annotations__ = {"envelope": envelope_of(model), "return": None}
    consumes.__name__ = handler_name(model)
    return consumes
