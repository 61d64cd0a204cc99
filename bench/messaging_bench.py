"""Benchmark of the messaging kit against a minimal raw pipeline, on the real servers.

Each pipeline is three processes: a producer committing business transactions that write an
outbox row, a relay publishing the outbox to RabbitMQ, and a consumer applying each message once
through an inbox in its own database. The kit's pipeline uses ``UnitOfWork`` + ``OutboxWriter``,
``OutboxRelay`` and ``EventConsumers``; the raw one does the same work with plain asyncpg and
aio-pika. Both run in the same invocation, on fresh databases and a fresh AMQP namespace that
are dropped at the end.

Two measures per pipeline, each on new processes that first carry a few hundred warm-up
events (connections opened, statements prepared, lazy imports done), which are not measured:
- throughput flat out: N events produced as fast as 8 producer tasks can commit, from the first
  producer commit to the last consumer commit;
- latency paced at a fixed rate: producer commit -> consumer commit of each event, both read on
  the clock of this machine (``time.time()`` in each process), p50 and p99. The rate is 500/s,
  or less on a machine where that is more than 40% of what the raw pipeline carries flat out:
  latency is compared below saturation, not as the length of a backlog.

``make bench`` (or ``uv run python bench/messaging_bench.py``); ``--help`` for the sizes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aio_pika
import asyncpg
import sqlalchemy as sa
from sqlalchemy import text

from shared.contracts import BeneficiaryAdded, Envelope
from shared.db import create_engine, to_sync_url
from shared.messaging.consumers import EventConsumers
from shared.messaging.outbox import AggregateRef
from shared.messaging.relay import OutboxRelay
from shared.messaging.tables import OUTBOX_CHANNEL, inbox_table, outbox_table
from shared.messaging.topology import declare_topology
from shared.settings import ServiceSettings
from shared.unit_of_work import UnitOfWork

ADMIN_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
RABBITMQ_URL = os.environ.get("BENCH_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
ROUTING_KEY = BeneficiaryAdded.routing_key()
#: The business statements, the same in both pipelines (unless the kit's go through SQLAlchemy).
INSERT_STRUCTURE = "INSERT INTO structures (siren) VALUES ($1)"
INSERT_APPLIED = "INSERT INTO applied (message_id, siren) VALUES ($1, $2)"
PRODUCER_CONCURRENCY = 8
PREFETCH = 32
RELAY_BATCH = 200
log = logging.getLogger("bench")


# -- configuration passed to the child processes ------------------------------------------------


@dataclass
class Role:
    pipeline: str  # "kit" or "raw"
    producer_db: str  # asyncpg-dialect URLs
    consumer_db: str
    namespace: str
    workdir: str
    #: How the kit's producer and handler write their business row: "driver" (``uow.driver``,
    #: the same asyncpg statement as the raw pipeline) or "sqlalchemy" (``uow.connection``).
    business_sql: str = "driver"

    @property
    def raw_queue(self) -> str:
        return f"{self.namespace}.raw.on_beneficiary_added"

    def settings(self, database_url: str) -> ServiceSettings:
        return ServiceSettings(
            database_url=database_url,
            rabbitmq_url=RABBITMQ_URL,
            rabbitmq_namespace=self.namespace,
            consumer_prefetch=PREFETCH,
            relay_batch_size=RELAY_BATCH,
            log_level="WARNING",
            log_json=False,
        )

    def file(self, name: str) -> Path:
        return Path(self.workdir) / f"{self.pipeline}-{name}"


def _role_from_env() -> Role:
    return Role(**json.loads(os.environ["BENCH_ROLE"]))


async def _until_terminated() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


def _write_times(path: Path, times: list[tuple[str, float]]) -> None:
    path.write_text(json.dumps(times))


def _ready(role: Role, what: str) -> None:
    """Say the process is ready; SIGUSR1 will say the warm-up is over (see :func:`_mark_start`)."""
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, lambda: _mark_start(role, what))
    role.file(f"{what}.ready").write_text("")


def _mark_start(role: Role, what: str) -> None:
    """Note the CPU time spent before the measure (start-up, warm-up): the report leaves it out."""
    role.file(f"{what}.start").write_text(str(time.process_time()))


def _beneficiary(siren: str) -> BeneficiaryAdded:
    return BeneficiaryAdded(
        siren=siren, siret=siren + "00010", name="Bench", added_at=datetime.now(UTC)
    )


# -- producers --------------------------------------------------------------------------------


async def drive(
    indexes: range, rate: float | None, one: Callable[[int], Coroutine[Any, Any, None]]
) -> None:
    """Run ``one(i)`` for each i: flat out with a few concurrent tasks, or paced at ``rate``/s."""
    if rate is None:
        queue = iter(indexes)

        async def worker() -> None:
            for i in queue:
                await one(i)

        await asyncio.gather(*(worker() for _ in range(PRODUCER_CONCURRENCY)))
        return
    loop = asyncio.get_running_loop()
    start = loop.time()
    tasks: list[asyncio.Task[None]] = []
    for n, i in enumerate(indexes):
        delay = start + n / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)


async def _produce(
    role: Role,
    job: ProducerJob,
    times: list[tuple[str, float]],
    one: Callable[[int], Coroutine[Any, Any, None]],
) -> None:
    """The warm-up events flat out, then, once the orchestrator says go (SIGUSR1), the measured
    ones."""
    go = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, go.set)
    await drive(range(job.warmup), None, one)
    times.clear()
    role.file("producer.warm").write_text("")
    await go.wait()
    _mark_start(role, "producer")
    await drive(range(job.warmup, job.warmup + job.count), job.rate, one)
    _write_times(role.file("produced.json"), times)


@dataclass
class ProducerJob:
    count: int
    rate: float | None
    warmup: int


async def kit_producer(role: Role, job: ProducerJob) -> None:
    settings = role.settings(role.producer_db)
    engine = create_engine(settings.database_url)
    times: list[tuple[str, float]] = []
    insert = text("INSERT INTO structures (siren) VALUES (:s)")
    through_driver = role.business_sql == "driver"

    async def one(i: int) -> None:
        siren = f"{i:09d}"
        async with UnitOfWork(engine) as uow:
            if through_driver:
                await uow.driver.execute(INSERT_STRUCTURE, siren)
            else:
                await uow.connection.execute(insert, {"s": siren})
            envelope = uow.outbox.add(_beneficiary(siren), AggregateRef(siren, None))
            await uow.commit()
        times.append((str(envelope.message_id), time.time()))

    await _produce(role, job, times, one)
    await engine.dispose()


async def raw_producer(role: Role, job: ProducerJob) -> None:
    pool = await asyncpg.create_pool(to_sync_url(role.producer_db), min_size=10, max_size=10)
    times: list[tuple[str, float]] = []

    async def one(i: int) -> None:
        siren = f"{i:09d}"
        message_id = uuid.uuid4()
        event = _beneficiary(siren)
        envelope = {
            "message_id": str(message_id),
            "event_type": event.event_type,
            "event_version": event.event_version,
            "occurred_at": datetime.now(UTC).isoformat(),
            "producer": event.producer,
            "aggregate_id": siren,
            "aggregate_version": None,
            "correlation_id": str(uuid.uuid4()),
            "causation_id": None,
            "payload": event.model_dump(mode="json"),
        }
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(INSERT_STRUCTURE, siren)
            await conn.execute(
                "INSERT INTO outbox (id, routing_key, event_type, payload) "
                "VALUES ($1, $2, $3, $4::jsonb)",
                message_id,
                ROUTING_KEY,
                event.event_type,
                json.dumps(envelope),
            )
            await conn.execute(f"NOTIFY {OUTBOX_CHANNEL}")
        times.append((str(message_id), time.time()))

    await _produce(role, job, times, one)
    await pool.close()


# -- relays -----------------------------------------------------------------------------------


async def kit_relay(role: Role) -> None:
    settings = role.settings(role.producer_db)
    relay = OutboxRelay(settings, topology=_kit_consumers.topology(settings), app_id="bench")
    task = asyncio.create_task(relay.run())
    _ready(role, "relay")
    await _until_terminated()
    relay.stop()
    await task


_RAW_CLAIM = """
SELECT id, routing_key, event_type, payload::text AS payload
FROM outbox
WHERE published_at IS NULL AND available_at <= now()
ORDER BY created_at, id
LIMIT $1
FOR UPDATE SKIP LOCKED
"""


async def raw_relay(role: Role) -> None:
    dsn = to_sync_url(role.producer_db)
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    wake = asyncio.Event()
    listener = await asyncpg.connect(dsn)
    await listener.add_listener(OUTBOX_CHANNEL, lambda *_: wake.set())
    connection = await aio_pika.connect(RABBITMQ_URL)
    channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
    exchange = await channel.declare_exchange(
        f"{role.namespace}.raw", aio_pika.ExchangeType.TOPIC, durable=True
    )

    async def publish(row: asyncpg.Record) -> None:
        message = aio_pika.Message(
            body=row["payload"].encode(),
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            message_id=str(row["id"]),
            type=row["event_type"],
        )
        await exchange.publish(message, routing_key=row["routing_key"], mandatory=True)

    async def loop() -> None:
        while True:
            async with pool.acquire() as conn, conn.transaction():
                rows = await conn.fetch(_RAW_CLAIM, RELAY_BATCH)
                if rows:
                    await asyncio.gather(*(publish(row) for row in rows))
                    await conn.execute(
                        "UPDATE outbox SET published_at = now() WHERE id = ANY($1)",
                        [row["id"] for row in rows],
                    )
            if len(rows) < RELAY_BATCH:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), timeout=1.0)
                wake.clear()

    task = asyncio.create_task(loop())
    _ready(role, "relay")
    await _until_terminated()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await connection.close()
    await listener.close()
    await pool.close()


# -- consumers --------------------------------------------------------------------------------

_commits: list[tuple[str, float]] = []


class _TimedUnitOfWork(UnitOfWork):
    """Notes when the transaction applying a message has committed."""

    message_id: str | None = None

    async def commit(self) -> None:
        await super().commit()
        if self.message_id is not None:
            _commits.append((self.message_id, time.time()))


_kit_consumers: EventConsumers[_TimedUnitOfWork] = EventConsumers("bench")
_APPLY = text("INSERT INTO applied (message_id, siren) VALUES (:m, :s)")
#: Set from the role in the consumer process (see Role.business_sql).
_handler_through_driver = True


@_kit_consumers.on(BeneficiaryAdded)
async def on_beneficiary_added(
    event: BeneficiaryAdded, envelope: Envelope, uow: _TimedUnitOfWork
) -> None:
    uow.message_id = str(envelope.message_id)
    if _handler_through_driver:
        await uow.driver.execute(INSERT_APPLIED, envelope.message_id, event.siren)
    else:
        await uow.connection.execute(_APPLY, {"m": envelope.message_id, "s": event.siren})


async def kit_consumer(role: Role) -> None:
    global _handler_through_driver
    _handler_through_driver = role.business_sql == "driver"
    settings = role.settings(role.consumer_db)
    engine = create_engine(settings.database_url)
    connection = await aio_pika.connect(settings.rabbitmq_url)
    async with connection:
        await declare_topology(await connection.channel(), _kit_consumers.topology(settings))
    broker = _kit_consumers.build_broker(settings, lambda: _TimedUnitOfWork(engine))
    await broker.start()
    _ready(role, "consumer")
    await _until_terminated()
    await broker.stop()
    await engine.dispose()
    _write_times(role.file("consumed.json"), _commits)


async def raw_consumer(role: Role) -> None:
    pool = await asyncpg.create_pool(to_sync_url(role.consumer_db), min_size=10, max_size=10)
    connection = await aio_pika.connect_robust(RABBITMQ_URL)
    channel = await connection.channel()
    await channel.set_qos(prefetch_count=PREFETCH)
    exchange = await channel.declare_exchange(
        f"{role.namespace}.raw", aio_pika.ExchangeType.TOPIC, durable=True
    )
    queue = await channel.declare_queue(
        role.raw_queue, durable=True, arguments={"x-queue-type": "quorum"}
    )
    await queue.bind(exchange, routing_key=ROUTING_KEY)
    commits: list[tuple[str, float]] = []

    async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        envelope = json.loads(message.body)
        message_id = uuid.UUID(envelope["message_id"])
        async with pool.acquire() as conn:
            async with conn.transaction():
                inserted = await conn.fetchval(
                    "INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) "
                    "ON CONFLICT DO NOTHING RETURNING 1",
                    role.raw_queue,
                    message_id,
                )
                if inserted:
                    await conn.execute(
                        INSERT_APPLIED,
                        message_id,
                        envelope["payload"]["siren"],
                    )
            commits.append((str(message_id), time.time()))
        await message.ack()

    await queue.consume(on_message)
    _ready(role, "consumer")
    await _until_terminated()
    await connection.close()
    await pool.close()
    _write_times(role.file("consumed.json"), commits)


# -- the orchestrator ----------------------------------------------------------------------------


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

    def url(self, name: str) -> str:
        base, _, _ = ADMIN_DATABASE_URL.rpartition("/")
        return f"{base}/{name}"

    async def create_databases(self) -> None:
        admin = await asyncpg.connect(to_sync_url(ADMIN_DATABASE_URL))
        try:
            for pipeline in ("kit", "raw"):
                for side in ("producer", "consumer"):
                    name = f"bench_{self.run_id}_{pipeline}_{side}"
                    await admin.execute(f'CREATE DATABASE "{name}"')
                    self.databases.append(name)
                    engine = create_engine(self.url(name))
                    async with engine.begin() as conn:
                        await conn.run_sync(_schema(side == "producer").create_all)
                    await engine.dispose()
        finally:
            await admin.close()

    async def cleanup(self) -> None:
        admin = await asyncpg.connect(to_sync_url(ADMIN_DATABASE_URL))
        try:
            for name in self.databases:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
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
            producer_db=self.url(f"bench_{self.run_id}_{pipeline}_producer"),
            consumer_db=self.url(f"bench_{self.run_id}_{pipeline}_consumer"),
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
            sys.executable, __file__, command, *args, env=env
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


def _table(results: dict[tuple[str, str], Measure], count: int, paced: int, rate: float) -> str:
    kit_flat, raw_flat = results["kit", "flat"], results["raw", "flat"]
    kit_paced, raw_paced = results["kit", "paced"], results["raw", "paced"]
    rows = [
        ("", "kit", "raw", "kit/raw", "target"),
        (
            f"throughput flat out, {count} events (msg/s)",
            f"{kit_flat.throughput:.0f}",
            f"{raw_flat.throughput:.0f}",
            f"{kit_flat.throughput / raw_flat.throughput:.2f}",
            f">= {TARGETS['messaging_throughput'][1]:.2f}",
        ),
        (
            f"latency p50 at {rate:.0f}/s, {paced} events (ms)",
            f"{kit_paced.percentile(50):.1f}",
            f"{raw_paced.percentile(50):.1f}",
            f"{kit_paced.percentile(50) / raw_paced.percentile(50):.2f}",
            "",
        ),
        (
            f"latency p99 at {rate:.0f}/s (ms)",
            f"{kit_paced.percentile(99):.1f}",
            f"{raw_paced.percentile(99):.1f}",
            f"{kit_paced.percentile(99) / raw_paced.percentile(99):.2f}",
            f"<= {TARGETS['messaging_p99'][1]:.2f}",
        ),
        (
            "latency p50 flat out (ms)",
            f"{kit_flat.percentile(50):.0f}",
            f"{raw_flat.percentile(50):.0f}",
            f"{kit_flat.percentile(50) / raw_flat.percentile(50):.2f}",
            "",
        ),
        *(
            (
                f"CPU of the {what} flat out (ms/event)",
                f"{kit_flat.cpu_ms[what]:.2f}",
                f"{raw_flat.cpu_ms[what]:.2f}",
                f"{kit_flat.cpu_ms[what] / raw_flat.cpu_ms[what]:.2f}",
                f"<= {TARGETS['messaging_consumer_cpu'][1]:.2f}" if what == "consumer" else "",
            )
            for what in ("producer", "relay", "consumer")
        ),
        (
            "paced: achieved rate (msg/s)",
            f"{kit_paced.throughput:.0f}",
            f"{raw_paced.throughput:.0f}",
            "",
            "",
        ),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = []
    for n, row in enumerate(rows):
        lines.append(
            "  ".join(
                cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                for i, cell in enumerate(row)
            )
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


async def orchestrate(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
        bench = Bench(Path(workdir), args.business_sql)
        print(
            f"messaging benchmark: {args.count} events flat out, {args.paced} paced at up to "
            f"{args.rate:.0f}/s, {args.warmup} warm-up events before each; kit and raw "
            f"pipelines on fresh databases, namespace {bench.namespace}; the kit's business "
            f"statements through {args.business_sql}; "
            f"{os.cpu_count()} CPU(s)",
            flush=True,
        )
        results: dict[tuple[str, str], Measure] = {}
        rate: float | None = None
        try:
            await bench.create_databases()
            for _ in range(args.rounds):
                for pipeline in ("raw", "kit"):
                    flat = await bench.measure(pipeline, "flat", args.count, None, args.warmup)
                    if rate is None:
                        rate = min(args.rate, args.max_load * flat.throughput)
                        print(f"  paced rate: {rate:.0f}/s", flush=True)
                    paced = await bench.measure(pipeline, "paced", args.paced, rate, args.warmup)
                    cpu = ", ".join(f"{k} {v:.2f}" for k, v in flat.cpu_ms.items())
                    print(
                        f"  {pipeline}: {flat.throughput:.0f} msg/s flat out; paced p50 "
                        f"{paced.percentile(50):.1f} ms, p99 {paced.percentile(99):.1f} ms; "
                        f"CPU ms/event flat out: {cpu}",
                        flush=True,
                    )
                    for measure in (flat, paced):
                        best = results.get((pipeline, measure.mode))
                        if best is None or _better(measure, best):
                            results[pipeline, measure.mode] = measure
        finally:
            await bench.cleanup()
        assert rate is not None
        print()
        print(_table(results, args.count, args.paced, rate))
        ratios = _ratios(results)
        met = all(_meets(name, value) for name, value in ratios.items())
        print()
        print(f"targets {'met' if met else 'NOT met'} (best of {args.rounds} round(s) each)")
        for name, value in ratios.items():
            print(f"RATIO {name} {value:.3f}")
    return 0


#: kit/raw targets: (comparison, bound) of each figure the run ends with (``RATIO name value``).
TARGETS: dict[str, tuple[str, float]] = {
    "messaging_throughput": (">=", 0.9),
    "messaging_p99": ("<=", 1.5),
    "messaging_consumer_cpu": ("<=", 1.2),
}


def _ratios(results: dict[tuple[str, str], Measure]) -> dict[str, float]:
    kit_flat, raw_flat = results["kit", "flat"], results["raw", "flat"]
    kit_paced, raw_paced = results["kit", "paced"], results["raw", "paced"]
    return {
        "messaging_throughput": kit_flat.throughput / raw_flat.throughput,
        "messaging_p99": kit_paced.percentile(99) / raw_paced.percentile(99),
        "messaging_consumer_cpu": kit_flat.cpu_ms["consumer"] / raw_flat.cpu_ms["consumer"],
    }


def _meets(name: str, value: float) -> bool:
    comparison, bound = TARGETS[name]
    return value >= bound if comparison == ">=" else value <= bound


def _better(new: Measure, old: Measure) -> bool:
    if new.mode == "flat":
        return new.throughput > old.throughput
    return new.percentile(99) < old.percentile(99)


def _child(command: str, rest: list[str]) -> None:
    """Body of a child process: one producer, relay or consumer of one pipeline."""
    role = _role_from_env()
    try:
        _run_child(command, rest, role)
    finally:
        # CPU seconds of this process, for the per-stage cost line of the report.
        role.file(f"{command.split('-', 1)[1]}.cpu").write_text(str(time.process_time()))


def _run_child(command: str, rest: list[str], role: Role) -> None:
    if command.endswith("-producer"):
        job = ProducerJob(count=int(rest[0]), rate=float(rest[1]) or None, warmup=int(rest[2]))
        producer = kit_producer if command == "kit-producer" else raw_producer
        asyncio.run(producer(role, job))
        return
    children: dict[str, Callable[[Role], Coroutine[Any, Any, None]]] = {
        "kit-relay": kit_relay,
        "kit-consumer": kit_consumer,
        "raw-relay": raw_relay,
        "raw-consumer": raw_consumer,
    }
    asyncio.run(children[command](role))


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        # A child process. With BENCH_PROFILE_DIR set, each child writes a cProfile dump there.
        profile_dir = os.environ.get("BENCH_PROFILE_DIR")
        if not profile_dir:
            _child(sys.argv[1], sys.argv[2:])
            return
        import cProfile

        with cProfile.Profile() as profile:
            _child(sys.argv[1], sys.argv[2:])
        profile.dump_stats(Path(profile_dir) / f"{sys.argv[1]}.{os.getpid()}.prof")
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=5000, help="events flat out")
    parser.add_argument("--paced", type=int, default=2500, help="events at --rate")
    parser.add_argument("--rate", type=float, default=500.0, help="paced events per second")
    parser.add_argument(
        "--max-load",
        type=float,
        default=0.4,
        help="cap of the paced rate, as a share of the raw pipeline's flat-out throughput",
    )
    parser.add_argument(
        "--business-sql",
        choices=("driver", "sqlalchemy"),
        default="driver",
        help="how the kit's producer and handler write their business row (see Role)",
    )
    parser.add_argument(
        "--warmup", type=int, default=300, help="unmeasured events before each measure"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the best one is kept")
    raise SystemExit(asyncio.run(orchestrate(parser.parse_args())))


if __name__ == "__main__":
    main()
