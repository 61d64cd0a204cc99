"""Payment to rights: from the commit of ``InvoicePaid`` in billing to the commit of the member's
rights in training and in booking, through the services' real processes, against the raw
asyncpg/aio-pika pipeline of ``messaging_bench`` in the same invocation.

The chain is the platform's: billing's outbox -> billing's relay -> membership's worker (the
payment activates the membership, M5/F5, and writes ``MembershipActivated`` in its outbox) ->
membership's relay -> training's and booking's workers (the member-rights projection). Each is
the service's own process (``python -m <service> worker|relay``) on a database built by its
migrations and an AMQP namespace of the run's own. Memberships awaiting payment are made
first through membership's API (register, apply, approve: the driver of
``shared.testing.agency``); billing's payment transaction is stood in for by a unit of work that
writes the ``InvoicePaid`` billing would write, on billing's database.

Commit times are read from the databases, on this machine's clock: a deferred constraint
trigger, added by the benchmark to its own databases (billing's ``outbox``, membership's
``memberships``, the ``member_periods`` of training and booking), notes ``clock_timestamp()``
as each transaction commits. The raw pipeline notes ``time.time()`` after its commits.

The rate is ``--max-load`` (40%) of what the raw pipeline carries flat out here, measured first;
the raw pipeline is paced at that rate before and after the chain (the better p99 is kept). The
run ends with ``RATIO payment_to_rights_p99 <chain p99 / raw p99>`` (target <= 2: two hops).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from importlib import import_module
from pathlib import Path
from typing import Any

import aio_pika
import asyncpg
from databases import create_database, database_url, drop_databases
from http_load import Server, free_port
from messaging_harness import Bench, Measure
from messaging_roles import RABBITMQ_URL, drive
from server_cpu import server_cpu_seconds

from shared.clock import SystemClock
from shared.contracts import InvoicePaid
from shared.db import create_engine, to_sync_url, upgrade_to_head
from shared.messaging.outbox import AggregateRef
from shared.settings import ServiceSettings
from shared.testing.agency import Agency, ServiceUrls
from shared.testing.agency.acts import apply, register
from shared.testing.broker import delete_names
from shared.testing.demo import names
from shared.testing.demo.year import TEXTS
from shared.unit_of_work import UnitOfWork

CHAIN = ("billing", "membership", "training", "booking")
#: The table each service's commit is noted on, and how its row names the structure.
NOTED = {
    "billing": ("outbox", "NEW.payload->'payload'->>'siren'", "NEW.event_type = 'InvoicePaid'"),
    "membership": ("memberships", "NEW.siren", "NEW.state = 'active'"),
    "training": ("member_periods", "NEW.siren", "true"),
    "booking": ("member_periods", "NEW.siren", "true"),
}
TARGET = 2.0


def _trigger(table: str, siren: str, when: str) -> list[str]:
    return [
        "CREATE TABLE bench_commits (siren text NOT NULL, at timestamptz NOT NULL)",
        "CREATE FUNCTION bench_note() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"INSERT INTO bench_commits VALUES ({siren}, clock_timestamp()); RETURN NULL; END $$",
        f"CREATE CONSTRAINT TRIGGER bench_commit AFTER INSERT OR UPDATE ON {table} "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION bench_note()",
    ]


class Chain:
    """The four services' databases and processes on the namespace ``namespace``."""

    def __init__(self, run_id: str, namespace: str) -> None:
        self.namespace = namespace
        self.names = {s: f"bench_{run_id}_chain_{s}" for s in CHAIN}
        self.urls = {s: database_url(name) for s, name in self.names.items()}
        self.created: list[str] = []
        self.waiting = ""
        #: One connection per service for the polls of the run (a new backend each poll would
        #: count in PostgreSQL's CPU per payment).
        self.polls: dict[str, asyncpg.Connection] = {}

    async def create(self) -> None:
        for service, name in self.names.items():
            await create_database(name)
            self.created.append(name)
            service_dir = import_module(f"{service}.service").SERVICE_DIR
            await asyncio.to_thread(upgrade_to_head, service_dir, self.urls[service])
            conn = await asyncpg.connect(to_sync_url(self.urls[service]))
            try:
                for statement in _trigger(*NOTED[service]):
                    await conn.execute(statement)
            finally:
                await conn.close()

    async def drop(self) -> None:
        for poll in self.polls.values():
            await poll.close()
        await drop_databases(self.created)

    def server(self, service: str, process: str) -> Server:
        port = free_port()
        env = {
            f"{service.upper()}_DATABASE_URL": self.urls[service],
            "RABBITMQ_URL": RABBITMQ_URL,
            "RABBITMQ_NAMESPACE": self.namespace,
            "WORKER_SCHEDULERS": "false",
            "LOG_LEVEL": "WARNING",
            "LOG_JSON": "false",
            "HOST": "127.0.0.1",
            "PORT" if process == "api" else "METRICS_PORT": str(port),
        }
        ready = "/health/ready" if process == "api" else "/metrics"
        command = [sys.executable, "-m", service, process]
        profile_dir = os.environ.get("BENCH_PROFILE_DIR")
        if profile_dir and process != "api":
            # Each worker and relay writes a cProfile dump there when it stops.
            dump = Path(profile_dir) / f"{service}-{process}.prof"
            command[1:1] = ["-m", "cProfile", "-o", str(dump)]
        return Server(command, port, env, ready_path=ready)

    def queues(self) -> list[str]:
        """The queues of the workers that run (membership's, training's, booking's)."""
        settings = ServiceSettings(rabbitmq_namespace=self.namespace)
        found = []
        for service in CHAIN[1:]:  # billing's worker is not on the path: it does not run
            topology = import_module(f"{service}.consumers").consumers.topology(settings)
            found += [q.name for q in topology.queues]
        return found

    async def settled(self, want_consumers: bool) -> bool:
        """Every consumer queue of the chain is consumed (if asked) and empty."""
        connection = await aio_pika.connect(RABBITMQ_URL)
        async with connection:
            for name in self.queues():
                channel = await connection.channel()
                try:
                    result = (await channel.declare_queue(name, passive=True)).declaration_result
                except aio_pika.exceptions.ChannelClosed:
                    return False
                if result.message_count or (want_consumers and not result.consumer_count):
                    self.waiting = (
                        f"{name}: {result.message_count} waiting, {result.consumer_count} consumers"
                    )
                    return False
                await channel.close()
        return True

    async def _poll(self, service: str) -> asyncpg.Connection:
        if service not in self.polls:
            self.polls[service] = await asyncpg.connect(to_sync_url(self.urls[service]))
        return self.polls[service]

    async def committed(self, service: str, sirens: set[str]) -> int:
        """How many of ``sirens`` have committed in ``service``."""
        found = await (await self._poll(service)).fetchval(
            "SELECT count(DISTINCT siren) FROM bench_commits WHERE siren = ANY($1)", list(sirens)
        )
        return int(found)

    async def commits(self, service: str) -> dict[str, float]:
        """When each structure's transaction committed in ``service`` (epoch seconds)."""
        rows = await (await self._poll(service)).fetch(
            "SELECT siren, extract(epoch FROM max(at))::float8 AS at "
            "FROM bench_commits GROUP BY siren"
        )
        return {row["siren"]: row["at"] for row in rows}


async def seed(chain: Chain, count: int, seed: int) -> list[tuple[str, str]]:
    """``count`` memberships awaiting payment, through membership's API: (SIREN, membership)."""
    api = chain.server("membership", "api")
    today = SystemClock().today()
    async with api.running():
        urls = ServiceUrls({"membership": api.url})
        async with Agency(urls, None, {}, today=today) as a:
            dues = {"simple": "100.00", "premium": "150.00", "upgrade": "50.00"}
            await a.call("membership", "PUT", f"/tariffs/{today.year}", a.staff, json=dues)
            stream = names.structures(seed, ())
            structures = [next(stream) for _ in range(count)]
            gate = asyncio.Semaphore(4)
            made: list[tuple[str, str]] = []

            async def one(label: str) -> None:
                async with gate:
                    await register(a, label)
                    applied = await apply(a, label, today.year, TEXTS)
                    path = f"/applications/{applied['id']}/approve"
                    approved = await a.call("membership", "POST", path, a.board)
                    made.append((a.structures[label].siren, approved["membership_id"]))

            for s in structures:
                a.enlist(s)
            await asyncio.gather(*(one(s.label) for s in structures))
    return made


async def wait(what: str, check: Any, within: float = 300.0) -> None:
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not within {within} s")
        await asyncio.sleep(0.1)


async def run_chain(
    chain: Chain, memberships: list[tuple[str, str]], warmup: int, rate: float
) -> tuple[Measure, dict[str, list[float]]]:
    """The chain's processes; ``warmup`` payments flat out, then the rest paced at ``rate``."""
    processes = [
        chain.server(service, process)
        for service, process in (
            ("membership", "worker"),
            ("training", "worker"),
            ("booking", "worker"),
            ("membership", "relay"),
            ("billing", "relay"),
        )
    ]
    engine = create_engine(chain.urls["billing"])
    today = SystemClock().today()

    async def pay(i: int) -> None:
        siren, membership_id = memberships[i]
        invoice_id = uuid.uuid4()
        event = InvoicePaid(
            invoice_id=invoice_id,
            number=f"FA-{today.year}-{i + 1:05d}",
            siren=siren,
            kind="membership_new",
            subject_id=uuid.UUID(membership_id),
            year=today.year,
            total=Decimal("100.00"),
            paid_on=today,
        )
        async with UnitOfWork(engine) as uow:
            uow.outbox.add(event, AggregateRef(str(invoice_id), 2))
            await uow.commit()

    async def rights(sirens: set[str]) -> bool:
        for service in ("training", "booking"):
            if await chain.committed(service, sirens) < len(sirens):
                return False
        return True

    async with contextlib.AsyncExitStack() as stack:
        for p in processes:
            await stack.enter_async_context(p.running(within=120))
        stack.push_async_callback(engine.dispose)
        try:
            await wait("the chain consuming the seeding's events", lambda: chain.settled(True))
        except RuntimeError:
            raise RuntimeError(f"the chain did not settle: {chain.waiting}") from None
        await drive(range(warmup), None, pay)
        warm = {s for s, _ in memberships[:warmup]}
        await wait("the warm-up's rights", lambda: rights(warm))
        cpu = [p.cpu_seconds() for p in processes]
        servers = server_cpu_seconds()
        await drive(range(warmup, len(memberships)), rate, pay)
        measured = {s for s, _ in memberships[warmup:]}
        await wait("the measured rights", lambda: rights(measured))
        cpu = [p.cpu_seconds() - before for p, before in zip(processes, cpu, strict=True)]
        servers = {k: v - servers[k] for k, v in server_cpu_seconds().items()}
    paid = await chain.commits("billing")
    at = {f"{s} commit": await chain.commits(s) for s in ("membership", "training", "booking")}
    hops = {stage: [(times[s] - paid[s]) * 1000 for s in measured] for stage, times in at.items()}
    ends = {s: max(at["training commit"][s], at["booking commit"][s]) for s in measured}
    latencies = [(ends[s] - paid[s]) * 1000 for s in measured]
    seconds = max(ends.values()) - min(paid[s] for s in measured)
    names_ = ("membership worker", "training worker", "booking worker", "membership relay",
              "billing relay")  # fmt: skip
    per_event = {n: 1000 * c / len(measured) for n, c in zip(names_, cpu, strict=True)}
    per_event.update({n: 1000 * c / len(measured) for n, c in servers.items()})
    return Measure("chain", "paced", len(measured), seconds, latencies, per_event), hops


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def orchestrate(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
        bench = Bench(Path(workdir))
        chain = Chain(bench.run_id, f"{bench.namespace}.chain")
        print(
            f"payment to rights: {args.paced} payments paced (after {args.warmup} warm-up) "
            f"through billing, membership, training and booking as processes, against the raw "
            f"pipeline; {os.cpu_count()} CPU(s)",
            flush=True,
        )
        try:
            await bench.create_databases()
            await chain.create()
            began = time.monotonic()
            memberships = await seed(chain, args.warmup + args.paced, args.seed)
            print(f"  {len(memberships)} memberships awaiting payment in "
                  f"{time.monotonic() - began:.0f} s", flush=True)  # fmt: skip
            flat = await bench.measure("raw", "flat", args.count, None, args.warmup)
            rate = args.max_load * flat.throughput
            print(f"  raw flat out: {flat.throughput:.0f} msg/s; paced rate {rate:.0f}/s")
            raws = [await bench.measure("raw", "paced", args.paced, rate, args.warmup)]
            print(f"  raw paced: p50 {raws[0].percentile(50):.1f} ms, "
                  f"p99 {raws[0].percentile(99):.1f} ms", flush=True)  # fmt: skip
            kit, hops = await run_chain(chain, memberships, args.warmup, rate)
            print(f"  chain paced: p50 {kit.percentile(50):.1f} ms, "
                  f"p99 {kit.percentile(99):.1f} ms", flush=True)  # fmt: skip
            raws.append(await bench.measure("raw", "paced", args.paced, rate, args.warmup))
            print(f"  raw paced again: p50 {raws[1].percentile(50):.1f} ms, "
                  f"p99 {raws[1].percentile(99):.1f} ms", flush=True)  # fmt: skip
        finally:
            await chain.drop()
            await bench.cleanup()
            delete_names(chain.namespace, RABBITMQ_URL)
        raw = min(raws, key=lambda m: m.percentile(99))
        print()
        print(f"{'':48}{'p50 ms':>9}{'p99 ms':>9}")
        print(f"{'raw pipeline, producer -> consumer commit':48}"
              f"{raw.percentile(50):9.1f}{raw.percentile(99):9.1f}")  # fmt: skip
        for hop, values in hops.items():
            label = f"InvoicePaid -> {hop}"
            print(f"{label:48}{percentile(values, 50):9.1f}{percentile(values, 99):9.1f}")
        print(f"{'InvoicePaid -> rights in training and booking':48}"
              f"{kit.percentile(50):9.1f}{kit.percentile(99):9.1f}")  # fmt: skip
        print(
            f"paced at {rate:.0f}/s ({args.max_load:.0%} of raw flat out); achieved: chain "
            f"{kit.throughput:.0f}/s, raw {raw.throughput:.0f}/s"
        )
        cpu = ", ".join(f"{k} {v:.2f}" for k, v in kit.cpu_ms.items())
        print(f"chain CPU ms per payment (the servers' with the polls of this run): {cpu}")
        needed = sum(kit.cpu_ms.values()) * rate / 1000
        print(f"at {rate:.0f}/s the chain needs {needed:.1f} CPUs of the {os.cpu_count()} here")
        ratio = kit.percentile(99) / raw.percentile(99)
        print(f"target p99 <= {TARGET:.0f} x raw: {'met' if ratio <= TARGET else 'NOT met'}")
        print(f"RATIO payment_to_rights_p99 {ratio:.3f}")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--paced", type=int, default=800, help="payments measured, paced")
    parser.add_argument("--warmup", type=int, default=200, help="unmeasured events first")
    parser.add_argument("--count", type=int, default=3000, help="raw events flat out (rate)")
    parser.add_argument("--max-load", type=float, default=0.4, help="share of raw flat out")
    parser.add_argument("--seed", type=int, default=7, help="draws the structures")
    raise SystemExit(asyncio.run(orchestrate(parser.parse_args())))


if __name__ == "__main__":
    main()
