"""The pytest plugin loaded by the root configuration (``-p shared.testing.plugin``).

Fixtures:
- ``test_servers``: the PostgreSQL and RabbitMQ of this run (see :mod:`shared.testing.servers`);
- ``migrated_database``: ``await migrated_database("billing", service_dir)`` gives the URL of a
  fresh database of this run, built by the service's Alembic migrations (once per session);
- ``service_settings``: settings of a service class pointed at this run's servers, database and
  AMQP namespace, with short retry delays;
- ``broker_control``: drop connections or restart the broker, for fault tests.

Tests that disturb the broker itself carry ``@pytest.mark.broker_fault``: they run last in the
session, one after the other (nothing else is running then to lose its connection), and the
broker is left started after each of them.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest

from shared.db import to_sync_url, upgrade_to_head
from shared.settings import ServiceSettings
from shared.testing.broker import BROKER_ANSWER_WITHIN_S, broker_answers, delete_names
from shared.testing.servers import (
    BrokerControl,
    ServersUnavailableError,
    TestServers,
    resolve_servers,
)

S = TypeVar("S", bound=ServiceSettings)

_servers: TestServers | None = None


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def test_servers() -> TestServers:
    global _servers
    if _servers is None:
        try:
            _servers = resolve_servers()
        except ServersUnavailableError as exc:
            if _in_ci():
                pytest.fail(str(exc), pytrace=False)
            pytest.skip(str(exc))
        if _servers.origin != "testcontainers":
            delete_names(None, _servers.rabbitmq_url, dead_if_unknown=_in_ci())
        if not broker_answers(_servers.rabbitmq_url):
            pytest.exit(
                f"RabbitMQ at {_servers.rabbitmq_url} does not declare a queue within "
                f"{BROKER_ANSWER_WITHIN_S:.0f} s; `make servers` checks and restarts it",
                returncode=1,
            )
    return _servers


@pytest.fixture(scope="session")
async def migrated_database(
    test_servers: TestServers,
) -> AsyncIterator[Callable[[str, Path], Awaitable[str]]]:
    created: dict[str, str] = {}
    lock = asyncio.Lock()
    admin_dsn = to_sync_url(test_servers.database_url)

    async def make(name: str, service_dir: Path) -> str:
        async with lock:
            if name in created:
                return created[name]
            db_name = test_servers.database_name(name)
            conn = await asyncpg.connect(admin_dsn)
            try:
                await conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
                await conn.execute(f'CREATE DATABASE "{db_name}"')
            finally:
                await conn.close()
            url = test_servers.database_url_for(name)
            await asyncio.to_thread(upgrade_to_head, service_dir, url)
            created[name] = url
            return url

    yield make

    if os.environ.get("KEEP_TEST_DATABASES"):
        return
    conn = await asyncpg.connect(admin_dsn)
    try:
        for name in created:
            await conn.execute(
                f'DROP DATABASE IF EXISTS "{test_servers.database_name(name)}" WITH (FORCE)'
            )
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def service_settings(test_servers: TestServers) -> Callable[..., Any]:
    def make(settings_class: type[S], database_url: str, **overrides: Any) -> S:
        values: dict[str, Any] = {
            "database_url": database_url,
            "rabbitmq_url": test_servers.rabbitmq_url,
            "rabbitmq_namespace": test_servers.namespace,
            "consumer_retry_delays_ms": [100, 300],
            "consumer_max_attempts": 3,
            "relay_poll_interval_s": 0.2,
            "log_json": False,
            # the session keeps each service's runtime: its idle connections stay few, so that
            # the platforms started as processes later find PostgreSQL's connections free
            "database_pool_size": 2,
            "database_max_overflow": 10,
        }
        values.update(overrides)
        return settings_class.model_validate(values)

    return make


@pytest.fixture(scope="session")
def broker_control(test_servers: TestServers) -> BrokerControl:
    if test_servers.broker_control is None:
        pytest.fail("this run cannot control the broker (no rabbitmqctl, no container)")
    return test_servers.broker_control


BROKER_FAULT = "broker_fault"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{BROKER_FAULT}: drops the broker's connections or restarts it; runs last, serially",
    )


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Move the broker-disturbing tests to the end (a stable sort keeps each group's order)."""
    items.sort(key=lambda item: item.get_closest_marker(BROKER_FAULT) is not None)


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    if item.get_closest_marker(BROKER_FAULT) is None or _servers is None:
        return
    if _servers.broker_control is not None:
        _servers.broker_control.ensure_running()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _servers
    if _servers is None:
        return
    if _servers.origin != "testcontainers":
        delete_names(_servers.namespace, _servers.rabbitmq_url, dead_if_unknown=_in_ci())
    _servers.stop()
    _servers = None
