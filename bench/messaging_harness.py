"""The messaging benchmark's orchestration of one measure: fresh databases, a pipeline's
processes started and signalled, and what they noted read back as a :class:`Measure`."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aio_pika
import asyncpg
import sqlalchemy as sa
from databases import create_database, database_url, drop_databases
from messaging_roles import RABBITMQ_URL, Role

from shared.db import create_engine, to_sync_url
from shared.messaging.tables import inbox_table, outbox_table
from shared.settings import ServiceSettings

#: The script each child process runs.
PIPELINES = Path(__file__).with_name("messaging_pipelines.py")


@dataclass
class Measure:
    pipeline: str
    mode: str
    count: int
    seconds: float
    latencies_ms: list[float]
    #: CPU milliseconds per event of each process of the pipeline (producer, relay, consumer).
    cpu_ms: dict[str, float]

    @property
    def throughput(self) -> float:
        return self.count / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _schema(producer: bool) -> sa.MetaData:
    metadata = sa.MetaData()
    if producer:
        outbox_table(metadata)
        sa.Table("structures", metadata, sa.Column("siren", sa.Text, primary_key=True))
    else:
        inbox_table(metadata)
        sa.Table(
            "applied",
            metadata,
            sa.Column("message_id", sa.Uuid, primary_key=True),
            sa.Column("siren", sa.Text, nullable=False),
        )
    return metadata


class Bench:
    def __init__(self, workdir: Path, business_sql: str = "driver") -> None:
        self.business_sql = business_sql
        self.run_id = uuid.uuid4().hex[:8]
        self.namespace = f"bench{self.run_id}"
        self.workdir = workdir
        self.databases: list[str] = []

    async def create_databases(self) -> None:
        for pipeline in ("kit", "raw"):
            for side in ("producer", "consumer"):
                name = f"bench_{self.run_id}_{pipeline}_{side}"
                engine = create_engine(await create_database(name))
                self.databases.append(name)
                async with engine.begin() as conn:
                    await conn.run_sync(_schema(side == "producer").create_all)
                await engine.dispose()

    async def cleanup(self) -> None:
        await drop_databases(self.databases)
        try:
            await self._delete_namespace()
        except (OSError, aio_pika.exceptions.AMQPError) as exc:
            print(f"could not delete the namespace {self.namespace}: {exc!r}", file=sys.stderr)

    async def _delete_namespace(self) -> None:
        connection = await aio_pika.connect(RABBITMQ_URL)
        async with connection:
            channel = await connection.channel()
            base = f"{self.namespace}.bench.on_beneficiary_added"
            for queue in (
                f"{self.namespace}.raw.on_beneficiary_added",
                base,
                f"{base}.dlq",
                f"{self.namespace}.journal",
                *(f"{base}.retry.{d}ms" for d in ServiceSettings().consumer_retry_delays_ms),
            ):
                await channel.queue_delete(queue)
            for exchange in (
                f"{self.namespace}.events",
                f"{self.namespace}.dlx",
                f"{self.namespace}.raw",
            ):
                await channel.exchange_delete(exchange)

    def role(self, pipeline: str) -> Role:
        return Role(
            pipeline=pipeline,
            producer_db=database_url(f"bench_{self.run_id}_{pipeline}_producer"),
            consumer_db=database_url(f"bench_{self.run_id}_{pipeline}_consumer"),
            namespace=self.namespace,
            workdir=str(self.workdir),
            business_sql=self.business_sql,
        )

    async def reset(self, role: Role) -> None:
        for url, tables in (
            (role.producer_db, "outbox, structures"),
            (role.consumer_db, "inbox, applied"),
        ):
            conn = await asyncpg.connect(to_sync_url(url))
            try:
                await conn.execute(f"TRUNCATE {tables}")
                await conn.execute("VACUUM ANALYZE")
            finally:
                await conn.close()
        for path in self.workdir.glob(f"{role.pipeline}-*"):
            path.unlink()

    @contextlib.asynccontextmanager
    async def processes(self, role: Role) -> AsyncIterator[list[asyncio.subprocess.Process]]:
        """The pipeline's consumer and relay, started and ready; stopped (SIGTERM) on exit."""
        started: list[asyncio.subprocess.Process] = []
        try:
            for what in ("consumer", "relay"):
                started.append(await self.spawn(role, f"{role.pipeline}-{what}"))
                await self.wait_for_file(role.file(f"{what}.ready"), started[-1])
            yield started
        finally:
            for process in started:
                if process.returncode is None:
                    process.send_signal(signal.SIGTERM)
            for process in started:
                await asyncio.wait_for(process.wait(), timeout=60)

    async def spawn(self, role: Role, command: str, *args: str) -> asyncio.subprocess.Process:
        env = {**os.environ, "BENCH_ROLE": json.dumps(role.__dict__)}
        return await asyncio.create_subprocess_exec(
            sys.executable, str(PIPELINES), command, *args, env=env
        )

    async def wait_for_file(self, path: Path, process: asyncio.subprocess.Process) -> None:
        while not await asyncio.to_thread(path.exists):
            if process.returncode is not None:
                raise RuntimeError(f"{path.name}: the process exited ({process.returncode})")
            await asyncio.sleep(0.05)

    async def wait_applied(self, role: Role, count: int, pipeline: str) -> None:
        deadline = time.monotonic() + 180
        while await self.applied(role) < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{pipeline}: not every event was applied in time")
            await asyncio.sleep(0.05)

    async def applied(self, role: Role) -> int:
        conn = await asyncpg.connect(to_sync_url(role.consumer_db))
        try:
            return int(await conn.fetchval("SELECT count(*) FROM applied"))
        finally:
            await conn.close()

    async def measure(
        self, pipeline: str, mode: str, count: int, rate: float | None, warmup: int
    ) -> Measure:
        role = self.role(pipeline)
        await self.reset(role)
        async with self.processes(role) as stages:
            args = [str(count), str(rate or 0), str(warmup)]
            producer = await self.spawn(role, f"{pipeline}-producer", *args)
            await self.wait_for_file(role.file("producer.warm"), producer)
            await self.wait_applied(role, warmup, pipeline)
            for stage in stages:
                stage.send_signal(signal.SIGUSR1)
            for what, stage in zip(("consumer", "relay"), stages, strict=True):
                await self.wait_for_file(role.file(f"{what}.start"), stage)
            producer.send_signal(signal.SIGUSR1)
            if await producer.wait() != 0:
                raise RuntimeError(f"{pipeline} producer failed")
            await self.wait_applied(role, warmup + count, pipeline)
        produced = dict(json.loads(role.file("produced.json").read_text()))
        consumed = {
            message_id: at
            for message_id, at in json.loads(role.file("consumed.json").read_text())
            if message_id in produced
        }
        if set(consumed) != set(produced) or len(produced) != count:
            raise RuntimeError(f"{pipeline}: applied events differ from produced ones")
        latencies = [(consumed[m] - produced[m]) * 1000 for m in produced]
        seconds = max(consumed.values()) - min(produced.values())
        cpu = {
            what: 1000
            * (
                float(role.file(f"{what}.cpu").read_text())
                - float(role.file(f"{what}.start").read_text())
            )
            / count
            for what in ("producer", "relay", "consumer")
        }
        return Measure(pipeline, mode, count, seconds, latencies, cpu)
