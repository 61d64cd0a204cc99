"""Fixtures of the kit's integration tests: the probe service on the real servers."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from faststream.rabbit import RabbitBroker
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import create_engine
from shared.messaging.relay import OutboxRelay
from shared.messaging.topology import Topology
from shared.testing.probe.kit import PROBE_DIR, ProbeSettings, consumers
from shared.unit_of_work import UnitOfWork


@pytest.fixture(scope="session")
async def probe_settings(migrated_database: Any, service_settings: Any) -> ProbeSettings:
    url = await migrated_database("probe", PROBE_DIR)
    settings: ProbeSettings = service_settings(ProbeSettings, url)
    return settings


@pytest.fixture(scope="session")
async def probe_engine(probe_settings: ProbeSettings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(probe_settings.database_url)
    yield engine
    await engine.dispose()


# -- an isolated probe per test: its own database and AMQP namespace ------------------------


class ProbeWorld:
    """The probe service in a database and namespace of its own, so a fault test sees only its
    own outbox rows, queues and deliveries."""

    def __init__(self, settings: ProbeSettings) -> None:
        self.settings = settings
        self.topology: Topology = consumers.topology(settings)
        self.queue = self.topology.queues[0]
        self.engine = create_engine(settings.database_url)
        self.tap_name = f"{settings.rabbitmq_namespace}.tap"
        self.delivered: list[str] = []

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine)

    def relay_arguments(self, **overrides: Any) -> dict[str, Any]:
        """What an ``OutboxRelay`` (or a test's subclass of it) of this probe is built with."""
        return {
            "settings": self.settings,
            "topology": self.topology,
            "app_id": "probe",
            "batch_size": 50,
            "poll_interval_s": 0.1,
            **overrides,
        }

    def relay(self, **overrides: Any) -> OutboxRelay:
        return OutboxRelay(**self.relay_arguments(**overrides))

    async def declare(self, *, tap: bool = True) -> None:
        """The topology, and a tap queue bound to ``#`` that counts every publication."""
        import aio_pika

        from shared.messaging.topology import declare_topology

        connection = await aio_pika.connect(self.settings.rabbitmq_url)
        async with connection:
            channel = await connection.channel()
            await declare_topology(channel, self.topology)
            if tap:
                queue = await channel.declare_queue(self.tap_name, durable=True)
                await queue.bind(self.topology.exchange, routing_key="#")

    @contextlib.asynccontextmanager
    async def consumer(self) -> AsyncIterator[RabbitBroker]:
        broker = consumers.build_broker(self.settings, self.uow)
        await broker.start()
        try:
            yield broker
        finally:
            await broker.stop()

    async def drain_tap(self) -> list[str]:
        """Take what reached the tap since the last call; all of it is kept in ``delivered``."""
        import aio_pika

        connection = await aio_pika.connect(self.settings.rabbitmq_url)
        async with connection:
            channel = await connection.channel()
            queue = await channel.declare_queue(self.tap_name, passive=True)
            while (message := await queue.get(no_ack=True, fail=False)) is not None:
                assert message.message_id is not None
                self.delivered.append(message.message_id)
        return self.delivered

    async def scalar(self, sql: str, **params: Any) -> Any:
        async with self.engine.connect() as connection:
            return (await connection.execute(text(sql), params)).scalar_one()

    async def pending(self) -> int:
        return int(await self.scalar("SELECT count(*) FROM outbox WHERE published_at IS NULL"))

    async def applied(self, siren: str) -> int:
        return int(await self.scalar("SELECT count(*) FROM applied WHERE siren = :s", s=siren))

    async def none_pending(self) -> bool:
        return await self.pending() == 0

    async def applied_total(self) -> int:
        return int(await self.scalar("SELECT count(*) FROM applied"))

    async def close(self) -> None:
        await self.engine.dispose()


@pytest.fixture
async def probe_world(
    migrated_database: Any, service_settings: Any, test_servers: Any
) -> AsyncIterator[Callable[..., Awaitable[ProbeWorld]]]:
    """``await probe_world("tag", **settings)``: a fresh isolated probe (database + namespace)."""
    worlds: list[ProbeWorld] = []

    async def make(tag: str, **overrides: Any) -> ProbeWorld:
        url = await migrated_database(f"probe_{tag}", PROBE_DIR)
        overrides.setdefault("rabbitmq_namespace", f"{test_servers.namespace}.{tag}")
        world = ProbeWorld(service_settings(ProbeSettings, url, **overrides))
        worlds.append(world)
        return world

    yield make
    for world in worlds:
        await world.close()
