"""The real broker in a service's tests: its relay and consumers in process, and a peer that
publishes events as another service would and listens to what the service publishes.

A service's ``conftest.py`` turns these into fixtures::

    @pytest.fixture(scope="session")
    async def relay(runtime):
        async with running_relay(runtime):
            yield

    @pytest.fixture
    async def peer(settings):
        async with BrokerPeer.connect(settings) as p:
            yield p
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aio_pika

from shared.contracts.base import Event
from shared.contracts.envelope import Envelope
from shared.messaging.outbox import AggregateRef, build_envelope
from shared.settings import ServiceSettings


@contextlib.asynccontextmanager
async def running_relay(runtime: Any) -> AsyncIterator[None]:
    """``runtime``'s outbox relay, publishing until the block ends."""
    await runtime.declare_topology()
    relay = runtime.relay()
    task = asyncio.create_task(relay.run())
    try:
        yield
    finally:
        relay.stop()
        await task


@contextlib.asynccontextmanager
async def running_consumers(runtime: Any) -> AsyncIterator[Any]:
    """``runtime``'s consumers on the real broker, in this process; yields the broker."""
    await runtime.declare_topology()
    broker = runtime.build_broker()
    await broker.start()
    try:
        yield broker
    finally:
        await runtime.consumers.drain(broker)
        await broker.stop()


@dataclass
class BrokerPeer:
    """Another service on the test namespace's exchange: publishes events, listens to some."""

    channel: aio_pika.abc.AbstractChannel
    exchange_name: str

    @classmethod
    @contextlib.asynccontextmanager
    async def connect(cls, settings: ServiceSettings) -> AsyncIterator[BrokerPeer]:
        connection = await aio_pika.connect(settings.rabbitmq_url)
        async with connection:
            yield cls(await connection.channel(), f"{settings.rabbitmq_namespace}.events")

    async def _exchange(self) -> aio_pika.abc.AbstractExchange:
        return await self.channel.declare_exchange(
            self.exchange_name, aio_pika.ExchangeType.TOPIC, durable=True
        )

    async def listen(self, routing_key: str) -> aio_pika.abc.AbstractQueue:
        """A private queue bound to the exchange for ``routing_key``."""
        # exclusive: it goes with the connection; not auto-delete, so that it outlives one
        # consumer (several ``received`` calls on one queue)
        queue = await self.channel.declare_queue(exclusive=True)
        await queue.bind(await self._exchange(), routing_key=routing_key)
        return queue

    async def publish(
        self,
        event: Event,
        envelope: Envelope | None = None,
        *,
        aggregate: AggregateRef | None = None,
    ) -> Envelope:
        """Publish ``event`` (or that exact ``envelope`` again: a redelivery)."""
        envelope = envelope or build_envelope(
            event, aggregate=aggregate or AggregateRef("test", None)
        )
        await (await self._exchange()).publish(
            aio_pika.Message(
                envelope.model_dump_json().encode(),
                message_id=str(envelope.message_id),
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            ),
            routing_key=event.routing_key(),
        )
        return envelope


async def received(
    queue: aio_pika.abc.AbstractQueue, count: int = 1, within: float = 15.0
) -> list[Envelope]:
    """The next ``count`` envelopes on ``queue`` (acked); fails after ``within`` seconds."""
    envelopes: list[Envelope] = []
    async with asyncio.timeout(within):
        async with queue.iterator() as messages:
            async for message in messages:
                async with message.process():
                    envelopes.append(Envelope.model_validate_json(message.body))
                if len(envelopes) >= count:
                    break
    return envelopes
