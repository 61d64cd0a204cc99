"""The fixtures every service's test suite starts from, defined once.

A service's ``conftest.py`` calls :func:`define_service_fixtures` with its own pieces and gets,
in its namespace:

- ``<service>_settings`` (session; also ``tested_service_settings``): the service's settings on
  this run's servers, its database built by its migrations;
- ``clock`` (session) and an autouse fixture that puts it back to ``now`` before each test;
- ``runtime`` (session): the service's runtime on that clock, disposed at the end;
- ``client`` (session): an ``httpx.AsyncClient`` calling the service's app in process;
- ``auth`` (session): ``auth(Role.MEMBER, siren=...)`` gives a caller's headers;
- ``relay`` and ``consumer`` (session): the outbox relay and the consumers on the real broker;
- ``peer``: another service on the test namespace, publishing and listening.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from shared.clock import FixedClock
from shared.settings import ServiceSettings
from shared.testing.helpers import asgi_client, bearer
from shared.testing.messaging import BrokerPeer, running_consumers, running_relay


def define_service_fixtures(
    namespace: dict[str, Any],
    *,
    service: str,
    service_dir: Path,
    settings_type: type[ServiceSettings],
    build_runtime: Callable[[Any, FixedClock], Any],
    create_app: Callable[[Any], Any],
    now: datetime,
) -> None:
    """Put the standard fixtures of ``service`` into ``namespace`` (a conftest's globals)."""

    @pytest.fixture(scope="session", name="tested_service_settings")
    async def settings_fixture(migrated_database: Any, service_settings: Any) -> ServiceSettings:
        url = await migrated_database(service, service_dir)
        settings: ServiceSettings = service_settings(settings_type, url)
        return settings

    @pytest.fixture(scope="session", name=f"{service}_settings")
    def named_settings_fixture(tested_service_settings: ServiceSettings) -> ServiceSettings:
        return tested_service_settings

    @pytest.fixture(scope="session", name="clock")
    def clock_fixture() -> FixedClock:
        return FixedClock(now)

    @pytest.fixture(autouse=True, name="_reset_clock")
    def reset_clock_fixture(clock: FixedClock) -> None:
        clock.set(now)

    @pytest.fixture(scope="session", name="runtime")
    async def runtime_fixture(
        tested_service_settings: ServiceSettings, clock: FixedClock
    ) -> AsyncIterator[Any]:
        runtime = build_runtime(tested_service_settings, clock)
        yield runtime
        await runtime.dispose()

    @pytest.fixture(scope="session", name="client")
    async def client_fixture(runtime: Any) -> AsyncIterator[Any]:
        async with asgi_client(create_app(runtime)) as http:
            yield http

    @pytest.fixture(scope="session", name="auth")
    def auth_fixture(tested_service_settings: ServiceSettings) -> Callable[..., dict[str, str]]:
        """Headers of a caller: ``auth(Role.MEMBER, siren=...)``, ``auth(Role.STAFF)``..."""
        return partial(bearer, tested_service_settings.auth)

    @pytest.fixture(scope="session", name="relay")
    async def relay_fixture(runtime: Any) -> AsyncIterator[None]:
        """The service's outbox relay, running for the rest of the session."""
        async with running_relay(runtime):
            yield

    @pytest.fixture(scope="session", name="consumer")
    async def consumer_fixture(runtime: Any) -> AsyncIterator[None]:
        """The service's consumers on the real broker, in this process."""
        async with running_consumers(runtime):
            yield

    @pytest.fixture(name="peer")
    async def peer_fixture(tested_service_settings: ServiceSettings) -> AsyncIterator[BrokerPeer]:
        """Another service on the test namespace: publishes, listens."""
        async with BrokerPeer.connect(tested_service_settings) as broker_peer:
            yield broker_peer

    fixtures = (
        settings_fixture,
        named_settings_fixture,
        clock_fixture,
        reset_clock_fixture,
        runtime_fixture,
        client_fixture,
        auth_fixture,
        relay_fixture,
        consumer_fixture,
        peer_fixture,
    )
    for index, fixture in enumerate(fixtures):
        namespace[f"_{service}_fixture_{index}"] = fixture
