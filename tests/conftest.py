"""Cross-service tests: the services run as real processes against the run's servers.

``platform`` starts, for the services a test module asks for, each one's ``api``, ``worker``
and ``relay`` as separate processes (``python -m <service> <command>``) on fresh databases and
an AMQP namespace of their own, and lets a test stop and restart any process. A module that sets
``PLATFORM_CLOCK = True`` gets processes reading one shifted clock (``DEV_CLOCK_FILE``) that the
test moves with ``platform.move_to(...)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.auth import Role
from shared.clock import ShiftedClock, set_shifted_clock
from shared.settings import AuthSettings
from shared.testing.broker import delete_names
from shared.testing.helpers import bearer
from shared.testing.servers import TestServers

ROOT = Path(__file__).resolve().parents[1]
PROCESSES = ("api", "worker", "relay")


def free_ports(count: int) -> list[int]:
    """``count`` distinct free ports: all sockets stay open until every port is chosen, so the
    system cannot hand the same one out twice."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class ServiceProcesses:
    name: str
    env: dict[str, str]
    port: int
    log_dir: Path
    #: Where the worker and the relay serve their metrics (``METRICS_PORT``).
    metrics_ports: dict[str, int] = field(default_factory=dict)
    running: dict[str, asyncio.subprocess.Process] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def metrics_url(self, process: str) -> str:
        if process == "api":
            return f"{self.url}/metrics"
        return f"http://127.0.0.1:{self.metrics_ports[process]}/metrics"

    async def start(self, process: str) -> None:
        if process in self.running:
            return
        log = (self.log_dir / f"{self.name}-{process}.log").open("ab")
        env = dict(self.env)
        if process in self.metrics_ports:
            env["METRICS_PORT"] = str(self.metrics_ports[process])
        self.running[process] = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            self.name,
            process,
            env=env,
            stdout=log,
            stderr=log,
            cwd=ROOT,
        )

    async def stop(self, process: str, sig: signal.Signals = signal.SIGTERM) -> None:
        proc = self.running.pop(process, None)
        if proc is None or proc.returncode is not None:
            return
        proc.send_signal(sig)
        try:
            await asyncio.wait_for(proc.wait(), timeout=20)
        except TimeoutError:
            proc.kill()
            await proc.wait()

    async def wait_ready(self, within: float = 180.0) -> None:
        deadline = asyncio.get_running_loop().time() + within
        async with httpx.AsyncClient(base_url=self.url, timeout=2) as client:
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get("/health/ready")).status_code == 200:
                        title = (await client.get("/openapi.json")).json()["info"]["title"]
                        assert title.endswith(self.name), f"port {self.port} answers {title}"
                        return
                for process, proc in self.running.items():
                    if proc.returncode is not None:
                        raise AssertionError(
                            f"{self.name} {process} exited with {proc.returncode}; "
                            f"see {self.log_dir}"
                        )
                if asyncio.get_running_loop().time() > deadline:
                    raise AssertionError(f"{self.name} not ready within {within}s")
                await asyncio.sleep(0.2)


@dataclass
class Platform:
    services: dict[str, ServiceProcesses]
    auth: AuthSettings
    #: The processes' ``DEV_CLOCK_FILE``, where the module asked for one (``PLATFORM_CLOCK``).
    clock_file: Path | None = None

    @property
    def clock(self) -> ShiftedClock:
        """The clock every process of the platform reads."""
        assert self.clock_file is not None, "set PLATFORM_CLOCK = True in the test module"
        return ShiftedClock(self.clock_file)

    def move_to(self, at: datetime) -> None:
        """Move every process of the platform to ``at`` (time flows on from there)."""
        assert self.clock_file is not None, "set PLATFORM_CLOCK = True in the test module"
        set_shifted_clock(self.clock_file, at)

    def __getitem__(self, name: str) -> ServiceProcesses:
        return self.services[name]

    def token(self, role: Role, siren: str | None = None) -> dict[str, str]:
        return bearer(self.auth, role, siren=siren)

    def client(self, name: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.services[name].url, timeout=10)


@contextlib.asynccontextmanager
async def run_platform(
    names: tuple[str, ...],
    servers: TestServers,
    migrated_database: Any,
    log_dir: Path,
    clock_file: Path | None = None,
    *,
    label: str = "e2e",
    env: Mapping[str, str] | None = None,
    ready_within: float = 180.0,
) -> AsyncIterator[Platform]:
    """The platform of ``names``; ``label`` names its databases and AMQP namespace (two
    platforms of one session need two labels), ``env`` adds settings to every process."""
    from importlib import import_module

    namespace = f"{servers.namespace}.{label}"
    base_env = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith("_DATABASE_URL") and k not in {"DATABASE_URL", "METRICS_PORT"}
    }
    base_env.update(
        {
            "RABBITMQ_URL": servers.rabbitmq_url,
            "RABBITMQ_NAMESPACE": namespace,
            "CONSUMER_RETRY_DELAYS_MS": "[200, 500]",
            "RELAY_POLL_INTERVAL_S": "0.2",
            # a platform's 15 processes within a share of PostgreSQL's 100 connections
            "DATABASE_POOL_SIZE": "2",
            "DATABASE_MAX_OVERFLOW": "3",
            "LOG_JSON": "false",
            "HOST": "127.0.0.1",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
    )
    if clock_file is not None:
        base_env["DEV_CLOCK_FILE"] = str(clock_file)
    services: dict[str, ServiceProcesses] = {}
    ports = iter(free_ports(3 * len(names)))
    for name in names:
        service_dir = import_module(f"{name}.service").SERVICE_DIR
        url = await migrated_database(f"{label}_{name}", service_dir)
        port = next(ports)
        own = dict(base_env, **{f"{name.upper()}_DATABASE_URL": url, "PORT": str(port)})
        metrics = {"worker": next(ports), "relay": next(ports)}
        services[name] = ServiceProcesses(name, own, port, log_dir, metrics)
    platform = Platform(services, AuthSettings(), clock_file)
    try:
        for service in services.values():
            for process in PROCESSES:
                await service.start(process)
        for service in services.values():
            await service.wait_ready(ready_within)
        yield platform
    finally:
        for service in services.values():
            for process in list(service.running):
                await service.stop(process)
        if servers.origin != "testcontainers":
            await asyncio.to_thread(delete_names, namespace, servers.rabbitmq_url)


@pytest.fixture(scope="module")
async def platform(
    request: pytest.FixtureRequest,
    test_servers: TestServers,
    migrated_database: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Platform]:
    """The services named by the module's ``PLATFORM_SERVICES``, running as processes, on
    databases and an AMQP namespace of the module's own: what one module leaves (opening
    hours a fuzzer removed, messages on a queue) never meets another's assertions."""
    names: tuple[str, ...] = request.module.PLATFORM_SERVICES
    label = request.module.__name__.rpartition(".")[2].removeprefix("test_")
    log_dir = tmp_path_factory.mktemp("platform-logs")
    clock_file = (
        log_dir / "platform-clock" if getattr(request.module, "PLATFORM_CLOCK", 0) else None
    )
    async with run_platform(
        names, test_servers, migrated_database, log_dir, clock_file, label=label
    ) as running:
        yield running
