"""Where the test servers come from, decided once per test session.

1. ``TEST_DATABASE_URL`` and ``TEST_RABBITMQ_URL`` when set (CI here);
2. testcontainers when a Docker engine answers (a developer's laptop);
3. the servers of this machine when they answer on their usual ports;
4. otherwise the run fails under ``CI=true`` and skips elsewhere.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

LOCAL_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
LOCAL_RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"
#: One lock file per test run on this machine, held while the run lives: a run removing the
#: names of dead runs from a shared broker leaves those of runs still going.
RUN_LOCKS = Path(tempfile.gettempdir()) / "capmetiers-test-runs"


class ServersUnavailableError(RuntimeError):
    pass


@dataclass
class BrokerControl:
    """Disturbs the broker for fault tests (drop every connection, restart the server) and
    reads what AMQP does not tell (the type of each queue)."""

    #: Runs a ``rabbitmqctl`` command line where the broker runs; returns its output.
    run: Callable[[list[str]], str]

    def drop_connections(self) -> None:
        self.run(["rabbitmqctl", "close_all_connections", "fault injected by a test"])

    def restart(self) -> None:
        self.run(["rabbitmqctl", "stop_app"])
        self.run(["rabbitmqctl", "start_app"])
        self.run(["rabbitmqctl", "await_startup"])

    def ensure_running(self) -> None:
        """Leave the broker up whatever a fault test did (``start_app`` is idempotent)."""
        self.run(["rabbitmqctl", "start_app"])
        self.run(["rabbitmqctl", "await_startup"])

    def queue_types(self, prefix: str) -> dict[str, str]:
        """The type (``classic``, ``quorum``...) of each queue whose name starts with ``prefix``."""
        listed = self.run(["rabbitmqctl", "-q", "list_queues", "name", "type"])
        types = {}
        for line in listed.splitlines():
            name, _, kind = line.partition("\t")
            if name.startswith(prefix):
                types[name] = kind.strip()
        return types


@dataclass
class TestServers:
    #: Admin URL of the PostgreSQL server (asyncpg dialect, database ``postgres``).
    database_url: str
    rabbitmq_url: str
    origin: str
    broker_control: BrokerControl | None = None
    #: The command line that runs ``rabbitmqctl`` against this broker (None: none can).
    rabbitmqctl: str | None = None
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    _containers: list[Any] = field(default_factory=list)
    _lock: IO[bytes] | None = None

    def __post_init__(self) -> None:
        RUN_LOCKS.mkdir(exist_ok=True)
        self._lock = (RUN_LOCKS / f"{self.run_id}.lock").open("wb")
        fcntl.flock(self._lock, fcntl.LOCK_EX)

    @property
    def namespace(self) -> str:
        return f"test{self.run_id}"

    def database_url_for(self, name: str) -> str:
        base, _, _ = self.database_url.rpartition("/")
        return f"{base}/{self.database_name(name)}"

    def database_name(self, name: str) -> str:
        return f"test_{name}_{self.run_id}"

    def stop(self) -> None:
        for container in self._containers:
            container.stop()
        if self._lock is not None:
            self._lock.close()
            (RUN_LOCKS / f"{self.run_id}.lock").unlink(missing_ok=True)
            self._lock = None


def run_is_over(run_id: str) -> bool:
    """Whether the test run ``run_id`` of this machine has ended (it died, or it finished
    without removing its names). A run that left no lock file is not known to be over."""
    path = RUN_LOCKS / f"{run_id}.lock"
    try:
        with path.open("rb") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except FileNotFoundError:
        return False
    except BlockingIOError:
        return False
    path.unlink(missing_ok=True)
    return True


def run_is_known(run_id: str) -> bool:
    """Whether the test run ``run_id`` left its lock file on this machine (live or not)."""
    return (RUN_LOCKS / f"{run_id}.lock").exists()


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _docker_answers() -> bool:
    try:
        import docker

        client = docker.from_env(timeout=3)
        client.ping()
        return True
    except Exception:
        return False


def _local_control(args: list[str]) -> str:
    return subprocess.run(args, check=True, capture_output=True, timeout=120, text=True).stdout


def _from_containers() -> TestServers:
    from testcontainers.postgres import PostgresContainer
    from testcontainers.rabbitmq import RabbitMqContainer

    postgres = PostgresContainer("postgres:16-alpine", username="postgres", password="postgres")
    postgres.start()
    rabbit = RabbitMqContainer("rabbitmq:3.13-alpine")
    rabbit.start()

    def control(args: list[str]) -> str:
        code, output = rabbit.exec(args)
        if code != 0:
            raise RuntimeError(output)
        return output.decode() if isinstance(output, bytes) else str(output)

    host = postgres.get_container_host_ip()
    servers = TestServers(
        database_url=(
            f"postgresql+asyncpg://postgres:postgres@{host}:"
            f"{postgres.get_exposed_port(5432)}/postgres"
        ),
        rabbitmq_url=(
            f"amqp://guest:guest@{rabbit.get_container_host_ip()}:{rabbit.get_exposed_port(5672)}/"
        ),
        origin="testcontainers",
        broker_control=BrokerControl(control),
        rabbitmqctl=f"docker exec -i {rabbit.get_wrapped_container().id} rabbitmqctl",
    )
    servers._containers.extend([postgres, rabbit])
    return servers


def resolve_servers() -> TestServers:
    local = shutil.which("rabbitmqctl") is not None
    local_control = BrokerControl(_local_control) if local else None
    local_ctl = "rabbitmqctl" if local else None
    db = os.environ.get("TEST_DATABASE_URL")
    mq = os.environ.get("TEST_RABBITMQ_URL")
    if db and mq:
        db = db.replace("postgresql://", "postgresql+asyncpg://", 1)
        return TestServers(db, mq, "environment", local_control, local_ctl)
    if _docker_answers():
        return _from_containers()
    if _answers("127.0.0.1", 5432) and _answers("127.0.0.1", 5672):
        return TestServers(
            LOCAL_DATABASE_URL, LOCAL_RABBITMQ_URL, "local", local_control, local_ctl
        )
    raise ServersUnavailableError(
        "No PostgreSQL/RabbitMQ for the tests: set TEST_DATABASE_URL and TEST_RABBITMQ_URL, "
        "or run a Docker engine, or start the local servers."
    )
