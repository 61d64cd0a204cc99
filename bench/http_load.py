"""HTTP load for the services' benchmarks: a closed-loop client and a bare baseline server.

Reused by every service bench that compares an endpoint with the least the same stack can do:

- :func:`run_load` sends a list of :class:`Call` at a fixed concurrency (a closed loop: each of
  ``concurrency`` workers sends its next call when the previous one answered) and returns the
  latencies, statuses and throughput (:class:`LoadResult`);
- :class:`Server` runs a command (uvicorn in a subprocess) and waits until it answers;
- the **bare baseline** is a FastAPI app with one endpoint, ``POST /rows``, that validates a
  small JSON body and does one insert through the services' stack (uvicorn, SQLAlchemy async
  on asyncpg, the services' engine settings): :func:`bare_server` serves it in a subprocess
  (:func:`uvicorn_command`), :func:`bare_calls` makes its requests.

The load client is httpx (HTTP/1.1, one connection per worker). Client and servers share this
machine: compare figures of one invocation only.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from pydantic import BaseModel, Field
from server_cpu import process_cpu_seconds

ROOT = Path(__file__).resolve().parents[1]


# -- the load client ---------------------------------------------------------------------------


#: The status recorded for a request that got no answer (connection closed, refused...).
TRANSPORT_ERROR = 599


def uvicorn_command(app: str, port: int, *, factory: bool = False) -> list[str]:
    """The one way every server of a bench is served: uvicorn's defaults (uvloop, httptools,
    one process) without access log, and keep-alive connections held long enough that a
    client starved of CPU for a few seconds does not find them closed under its request."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        *(["--factory"] if factory else []),
        "--app-dir",
        str(Path(__file__).resolve().parent),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
        "--timeout-keep-alive",
        "120",
    ]


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class LoadResult:
    """What one run of :func:`run_load` saw."""

    name: str
    count: int
    seconds: float
    #: Milliseconds, sorted.
    latencies: list[float]
    statuses: Counter[int]
    #: The server's CPU milliseconds per request, where measured.
    server_cpu_ms: float | None = None

    @property
    def throughput(self) -> float:
        return self.count / self.seconds

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        index = min(len(self.latencies) - 1, max(0, round(p / 100 * len(self.latencies)) - 1))
        return self.latencies[index]

    @classmethod
    def pooled(cls, results: Sequence[LoadResult]) -> LoadResult:
        """Several runs as one: their requests, time, latencies and statuses added up."""
        cpu = [r.server_cpu_ms * r.count for r in results if r.server_cpu_ms is not None]
        count = sum(r.count for r in results)
        statuses: Counter[int] = Counter()
        for r in results:
            statuses.update(r.statuses)
        return cls(
            results[0].name,
            count,
            sum(r.seconds for r in results),
            sorted(x for r in results for x in r.latencies),
            statuses,
            sum(cpu) / count if len(cpu) == len(results) else None,
        )

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def summary(self) -> str:
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items()))
        return (
            f"{self.name}: {self.count} requests in {self.seconds:.2f} s = "
            f"{self.throughput:.0f} req/s; latency p50 {self.percentile(50):.1f} ms, "
            f"p99 {self.percentile(99):.1f} ms, max {self.latencies[-1]:.1f} ms; "
            f"statuses {statuses}"
            + (f"; server CPU {self.server_cpu_ms:.2f} ms/request" if self.server_cpu_ms else "")
        )


async def run_load(
    base_url: str,
    calls: Sequence[Call],
    concurrency: int,
    name: str = "load",
    server: Server | None = None,
) -> LoadResult:
    """Send ``calls`` in order from ``concurrency`` workers; time each request and the whole
    (and, with ``server``, the CPU it spent per request)."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    queue = iter(calls)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:

        async def worker() -> None:
            for call in queue:
                began = time.perf_counter()
                try:
                    response = await client.request(
                        call.method, call.path, json=call.json, headers=call.headers
                    )
                    status = response.status_code
                except httpx.TransportError:
                    status = TRANSPORT_ERROR  # counted as a server error, never retried
                latencies.append((time.perf_counter() - began) * 1000)
                statuses[status] += 1

        cpu = server.cpu_seconds() if server else 0.0
        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - began
        cpu_ms = (server.cpu_seconds() - cpu) * 1000 / len(calls) if server else None
    return LoadResult(name, len(calls), seconds, sorted(latencies), statuses, cpu_ms)


# -- a server in a subprocess ------------------------------------------------------------------


@dataclass
class Server:
    """``command`` run with ``env`` (added to this process's), ready when ``ready_path``
    answers 200 on ``port``."""

    command: list[str]
    port: int
    env: dict[str, str] = field(default_factory=dict)
    ready_path: str = "/health/live"
    process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far (user + system, from /proc)."""
        assert self.process is not None
        return process_cpu_seconds(self.process.pid)

    @contextlib.asynccontextmanager
    async def running(self, within: float = 60.0) -> AsyncIterator[Server]:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}
        self.process = await asyncio.create_subprocess_exec(*self.command, env=env, cwd=ROOT)
        try:
            await self._wait_ready(within)
            yield self
        finally:
            if self.process.returncode is None:
                self.process.terminate()
                try:
                    await asyncio.wait_for(self.process.wait(), timeout=15)
                except TimeoutError:
                    self.process.kill()
                    await self.process.wait()

    async def _wait_ready(self, within: float) -> None:
        assert self.process is not None
        deadline = time.monotonic() + within
        async with httpx.AsyncClient(base_url=self.url, timeout=2) as client:
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(self.ready_path)).status_code == 200:
                        return
                if self.process.returncode is not None:
                    raise RuntimeError(f"{self.command} exited with {self.process.returncode}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.command} not ready within {within} s")
                await asyncio.sleep(0.1)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- the bare baseline -------------------------------------------------------------------------

_metadata = sa.MetaData()
bare_rows = sa.Table(
    "bare_rows",
    _metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("email", sa.Text, nullable=False),
    sa.Column("reference", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)


class RowIn(BaseModel):
    first_name: str = Field(min_length=1, max_length=200)
    last_name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=254)
    siret: str = Field(pattern=r"^\d{14}$")


class RowOut(BaseModel):
    id: uuid.UUID
    email: str


def bare_app(database_url: str) -> Any:
    """The least the services' stack does for a write: validate a JSON body, one insert."""
    from datetime import UTC, datetime

    from fastapi import FastAPI

    from shared.db import create_engine

    engine = create_engine(database_url)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with engine.begin() as connection:
            await connection.run_sync(_metadata.create_all)
        yield
        await engine.dispose()

    app = FastAPI(title="bare baseline", lifespan=lifespan)

    @app.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/rows", status_code=201)
    async def add_row(body: RowIn) -> RowOut:
        row_id = uuid.uuid4()
        async with engine.connect() as connection:
            await connection.execute(
                bare_rows.insert().values(
                    id=row_id,
                    name=f"{body.first_name} {body.last_name}",
                    email=body.email,
                    reference=body.siret,
                    created_at=datetime.now(UTC),
                )
            )
        return RowOut(id=row_id, email=body.email)

    return app


def bare_server(database_url: str, port: int) -> Server:
    """The bare baseline served by uvicorn in a subprocess (``BARE_DATABASE_URL``)."""
    return Server(
        uvicorn_command("http_load:bare_from_env", port, factory=True),
        port,
        {"BARE_DATABASE_URL": database_url},
    )


def bare_from_env() -> Any:
    """uvicorn's factory of the bare baseline."""
    return bare_app(os.environ["BARE_DATABASE_URL"])


def bare_calls(bodies: Sequence[dict[str, Any]]) -> list[Call]:
    """The bare endpoint's requests, with the same bodies as the measured endpoint's."""
    return [Call("POST", "/rows", body) for body in bodies]
