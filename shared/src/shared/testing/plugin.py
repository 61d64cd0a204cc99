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
import re
import shutil
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import aio_pika
import asyncpg
import pytest

from shared.db import to_sync_url, upgrade_to_head
from shared.settings import ServiceSettings
from shared.testing.servers import (
    BrokerControl,
    ServersUnavailableError,
    TestServers,
    resolve_servers,
    run_is_known,
    run_is_over,
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
            delete_names(None, _servers.rabbitmq_url)
        _check_broker_answers(_servers.rabbitmq_url)
    return _servers


#: How long the broker has to accept a connection and declare a queue at the session's start.
BROKER_ANSWER_WITHIN_S = 60.0


def _check_broker_answers(url: str) -> None:
    """End the whole session at once when the broker accepts TCP but does no work: otherwise
    every test that needs it waits for its own timeout, for hours."""

    async def declare_and_delete() -> None:
        connection = await aio_pika.connect(url, timeout=BROKER_ANSWER_WITHIN_S)
        async with connection:
            channel = await connection.channel()
            queue = await channel.declare_queue(exclusive=True, auto_delete=True)
            await queue.delete()

    try:
        _run_apart(lambda: asyncio.wait_for(declare_and_delete(), BROKER_ANSWER_WITHIN_S))
    except Exception as exc:
        pytest.exit(
            f"RabbitMQ at {url} does not declare a queue within {BROKER_ANSWER_WITHIN_S:.0f} s "
            f"({exc!r}); `make servers` checks and restarts it",
            returncode=1,
        )


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
        delete_names(_servers.namespace, _servers.rabbitmq_url)
    _servers.stop()
    _servers = None


#: Names made by a test run (``test<run id>.``) or a benchmark (``bench<run id>.``): those of runs
#: that died are removed too, since hundreds of leftover quorum queues slow a local broker down
#: to a halt; those of runs still going on the same broker (another worktree's session) are left
#: alone. Under CI nothing else runs, so a name whose run left no lock file is a dead run's too.
_RUN_NAME = re.compile(r"^(?:test|bench)([0-9a-f]{8})\.")


def delete_names(namespace: str | None, url: str) -> None:
    """Best effort: remove the queues and exchanges of ``namespace`` (a run's, or a platform's
    within it) and those dead runs left, from a local broker. Quorum queues cost the broker
    processes and file handles while they exist, and slow its restarts: a suite that keeps
    every module's queues to its end makes the broker-fault tests wait minutes for recovery."""
    if not shutil.which("rabbitmqctl"):
        return
    names: dict[str, list[str]] = {}
    over: dict[str, bool] = {}
    in_ci = _in_ci()

    def of_a_dead_run(name: str) -> bool:
        match = _RUN_NAME.match(name)
        if match is None:
            return False
        run_id = match.group(1)
        if run_id not in over:  # once per run: the first look removes its lock file
            over[run_id] = run_is_over(run_id) or (in_ci and not run_is_known(run_id))
        return over[run_id]

    def to_delete(name: str) -> bool:
        return (namespace is not None and name.startswith(f"{namespace}.")) or of_a_dead_run(name)

    for kind, command in (("queue", "list_queues"), ("exchange", "list_exchanges")):
        try:
            listed = subprocess.run(
                ["rabbitmqctl", "-q", command, "name"],
                check=True,
                capture_output=True,
                text=True,
                timeout=60,
            ).stdout.split()
        except (subprocess.SubprocessError, OSError):
            return
        names[kind] = [n for n in listed if to_delete(n)]
    if not names["queue"] and not names["exchange"]:
        return

    async def delete() -> None:
        connection = await aio_pika.connect(url)
        async with connection:
            channel = await connection.channel()
            for queue in names["queue"]:
                await channel.queue_delete(queue)
            for exchange in names["exchange"]:
                await channel.exchange_delete(exchange)

    _run_apart(delete)


def _run_apart(coroutine: Callable[[], Coroutine[Any, Any, object]]) -> None:
    """Run a coroutine to its end on a loop of its own thread, leaving the session's loop (and
    which loop is current) as they are."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(lambda: asyncio.run(coroutine())).result()
