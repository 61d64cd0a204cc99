"""Benchmarks of billing on the real PostgreSQL, each against a raw asyncpg baseline doing the
same work in the same invocation, on fresh databases dropped at the end.

1. The call for dues: ``--members`` (5,000) ``MembershipRenewalRequested`` events of a renewal
   campaign applied through billing's batch handler as the consumer kit applies them (batches
   of ``DUES_BATCH``, ``AT_ONCE`` at a time; per batch one transaction: the inbox claims, the
   handler, the outbox rows, commit), each issuing its invoice with its frozen document source
   and its ledger entry; against asyncpg running the same batched statements (the inbox rows,
   the waiting auditorium dates, the existence checks, the customers, the counter's lock and
   advance, the invoices with their lines, dues keys and states, the document sources, the
   ledger entries and lines, the outbox rows). Besides the wall clock, the CPU seconds of this
   process and of the database's backends (the machine is shared: its load shows in the wall
   clock far more than in the CPU), with a ``RATIO billing_dues_call_cpu`` line. Every invoice
   is then checked: numbered 1..N, each with its source, entry and event.
   Then the documents' files (Factur-X, made after issue): ``--documents`` (24) of them made
   by a pool of ``--processes`` (2) processes, and what 5,000 would take at that rate.
2. The FEC of a fiscal year of ``--fec-lines`` (50,000) ledger lines: the export (the posted
   entries read, rendered, checked against the administration's rules) against asyncpg
   running the same SELECT and writing the same file (the bench checks both files are equal).

Each figure prints a ``RATIO <name> <kit / raw>`` line (the kit's time over the raw one's:
1.0 is as fast as raw). ``make bench`` (or ``uv run python bench/billing_bench.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from datetime import UTC, datetime

import asyncpg
from billing_campaign import (
    CAMPAIGN_YEAR,
    FEC_YEAR,
    QUEUE,
    TARGET_S,
    WARMUP,
    Timing,
    as_the_kit,
    campaign,
)
from billing_raw import LETTER_FEC, POPULATE_FEC, raw_dues, raw_fec
from databases import create_database, drop_databases

from billing.consumers import DUES_BATCH, on_membership_renewal_requested
from billing.production import renderer
from billing.reports.exports import fec_export
from billing.service import SERVICE_DIR, BillingRuntime, build_runtime
from billing.settings import BillingSettings
from billing.use_cases.documents import produce_documents
from shared.clock import FixedClock
from shared.contracts import MembershipRenewalRequested
from shared.db import to_sync_url, upgrade_to_head
from shared.messaging.batches import AT_ONCE, Delivery, apply_batch
from shared.messaging.outbox import AggregateRef, build_envelope

# -- the call for dues: the kit ----------------------------------------------------------------


async def kit_dues(runtime: BillingRuntime, events: list[MembershipRenewalRequested]) -> Timing:
    async def apply(batch: list[MembershipRenewalRequested]) -> None:
        deliveries = [
            Delivery(e, build_envelope(e, aggregate=AggregateRef(str(e.membership_id), None)))
            for e in batch
        ]
        applied, _ = await apply_batch(
            runtime.uow, QUEUE, on_membership_renewal_requested, deliveries
        )
        assert applied == len(batch)

    return await as_the_kit(runtime.settings.database_url, events, apply)


# -- the documents' files -----------------------------------------------------------------------


async def documents(runtime: BillingRuntime, count: int, processes: int) -> tuple[float, int]:
    """Make ``count`` document files with a pool of ``processes``: (seconds, made)."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    pool = ProcessPoolExecutor(processes, mp_context=get_context("spawn"))
    render = renderer(pool)
    # start the pool's processes (imports) before the clock starts
    await asyncio.gather(
        *(asyncio.get_running_loop().run_in_executor(pool, len, "") for _ in range(processes))
    )
    left = count

    async def worker() -> int:
        nonlocal left
        made = 0
        while left > 0:
            left -= 1
            async with runtime.transaction() as uow:
                made += await produce_documents(uow, render, limit=1)
        return made

    start = time.perf_counter()
    made = sum(await asyncio.gather(*(worker() for _ in range(processes))))
    seconds = time.perf_counter() - start
    pool.shutdown()
    return seconds, made


# -- the FEC of a year --------------------------------------------------------------------------


async def kit_fec(runtime: BillingRuntime, year: int) -> tuple[float, bytes]:
    start = time.perf_counter()
    async with runtime.uow() as uow:
        _name, text = await fec_export(uow, year)
    content = text.encode("utf-8")
    return time.perf_counter() - start, content


# -- the run ------------------------------------------------------------------------------------


class Databases:
    def __init__(self) -> None:
        self.run_id = uuid.uuid4().hex[:8]
        self.names: list[str] = []

    async def create(self, role: str) -> str:
        name = f"bench_billing_{self.run_id}_{role}"
        url = await create_database(name)
        self.names.append(name)
        await asyncio.to_thread(upgrade_to_head, SERVICE_DIR, url)
        return url

    async def drop(self) -> None:
        await drop_databases(self.names)


async def check_issued(runtime: BillingRuntime, count: int) -> None:
    """Every renewal issued once, numbered 1..count, each with its document's source, its
    ledger entry and its event."""
    async with runtime.uow() as uow:
        row = await uow.driver.fetchrow(
            "SELECT count(*) AS n, min(sequence) AS lo, max(sequence) AS hi,"
            " (SELECT count(*) FROM document_sources) AS sources,"
            " (SELECT count(*) FROM ledger_entries) AS entries,"
            " (SELECT count(*) FROM outbox WHERE event_type = 'InvoiceIssued') AS events"
            " FROM invoices"
        )
    assert row is not None
    assert (row["n"], row["lo"], row["hi"]) == (count, 1, count), dict(row)
    assert row["sources"] == row["entries"] == row["events"] == count, dict(row)


def verdict(seconds: float) -> str:
    return "met" if seconds < TARGET_S else "NOT met"


async def main(args: argparse.Namespace) -> int:
    databases = Databases()
    try:
        kit_url, raw_url = await databases.create("kit"), await databases.create("raw")
        settings = BillingSettings(database_url=kit_url, log_level="WARNING", log_json=False)
        clock = FixedClock(datetime(CAMPAIGN_YEAR - 1, 12, 1, 9, tzinfo=UTC))
        runtime = build_runtime(settings, clock)
        events = campaign(WARMUP + args.members)
        print(
            f"call for dues: {args.members} MembershipRenewalRequested, "
            f"by batches of {DUES_BATCH}, {AT_ONCE} at a time"
        )
        raw = await raw_dues(raw_url, settings, events)
        print(f"  raw asyncpg: {raw}  {args.members / raw.wall:,.0f} invoices/s")
        kit = await kit_dues(runtime, events)
        print(
            f"  billing:     {kit}  {args.members / kit.wall:,.0f} invoices/s, "
            f"target < {TARGET_S:.0f} s {verdict(kit.wall)}"
        )
        print(f"RATIO billing_dues_call {kit.wall / raw.wall:.2f}")
        if kit.database_cpu is not None and raw.database_cpu is not None:
            print(f"RATIO billing_dues_call_cpu {kit.cpu / raw.cpu:.2f}")
        await check_issued(runtime, WARMUP + args.members)

        if args.documents:
            seconds, made = await documents(runtime, args.documents, args.processes)
            rate = made / seconds
            print(
                f"documents (Factur-X, after issue): {made} in {seconds:.1f} s with "
                f"{args.processes} process(es): {seconds / made:.2f} s each, {rate:.1f}/s; "
                f"{args.members} would take {args.members / rate:,.0f} s"
            )

        print(f"FEC of a year of {args.fec_lines:,} lines")
        count = args.fec_lines // 4
        for url in (kit_url, raw_url):
            conn = await asyncpg.connect(to_sync_url(url))
            try:
                await conn.execute(POPULATE_FEC.format(year=FEC_YEAR, count=count))
                await conn.execute(LETTER_FEC.format(year=FEC_YEAR))
                await conn.execute("ANALYZE")
            finally:
                await conn.close()
        raw_runs = [await raw_fec(raw_url, FEC_YEAR) for _ in range(args.rounds)]
        kit_runs = [await kit_fec(runtime, FEC_YEAR) for _ in range(args.rounds)]
        raw_fec_s, raw_file = min(raw_runs)
        kit_fec_s, kit_file = min(kit_runs)
        assert kit_file == raw_file, "the two pipelines wrote different files"
        assert len({content for _, content in kit_runs}) == 1, "the same FEC every time"
        print(f"  raw asyncpg: {raw_fec_s:6.2f} s  ({len(raw_file) / 1e6:.1f} MB)")
        print(
            f"  billing:     {kit_fec_s:6.2f} s  (checked against the FEC rules), "
            f"target < {TARGET_S:.0f} s {verdict(kit_fec_s)}"
        )
        print(f"RATIO billing_fec {kit_fec_s / raw_fec_s:.2f}")
        await runtime.dispose()
    finally:
        await databases.drop()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--documents", type=int, default=24, help="files to make (0: none)")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--fec-lines", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3, help="FEC exports timed (best kept)")
    sys.exit(asyncio.run(main(parser.parse_args())))
