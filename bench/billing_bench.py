"""Benchmarks of billing on the real PostgreSQL, each against a raw asyncpg baseline doing the
same work in the same invocation, on fresh databases dropped at the end.

1. The call for dues: ``--members`` (5,000) ``MembershipRenewalRequested`` events of a renewal
   campaign applied through billing's consumer handler as the consumer kit applies them (inbox
   claim, handler, outbox rows, commit), 8 at a time, each issuing its invoice with its frozen
   document source and its ledger entry; against asyncpg running the same statements (the
   inbox row, the counter's lock, the existence checks, the customer, the invoice, its line
   and state, the document source, the ledger entry and lines, the dues key, the outbox row),
   as few statements under the year's counter lock as billing runs.
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
import json
import os
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import asyncpg

from billing.consumers import on_membership_renewal_requested
from billing.documents.sources import document_customer, encode_invoice, invoice_document
from billing.domain import fec
from billing.domain.invoices import dues_line
from billing.domain.mentions import Customer
from billing.production import renderer
from billing.reports.exports import fec_export
from billing.service import SERVICE_DIR, BillingRuntime, build_runtime
from billing.settings import BillingSettings
from billing.use_cases.documents import produce_documents
from shared.clock import FixedClock
from shared.contracts import CustomerDetails, MembershipRenewalRequested
from shared.db import to_sync_url, upgrade_to_head
from shared.messaging import inbox
from shared.messaging.outbox import AggregateRef, build_envelope

ADMIN_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
CONCURRENCY = 8
WARMUP = 100
CAMPAIGN_YEAR = 2030
FEC_YEAR = 2031
TARGET_S = 10.0
QUEUE = "bench.billing.on_membership_renewal_requested"


def campaign(count: int, offset: int = 0) -> list[MembershipRenewalRequested]:
    """The renewal campaign's events: one per member, each its own structure."""
    events = []
    for i in range(offset, offset + count):
        siren = f"{i:09d}"
        events.append(
            MembershipRenewalRequested(
                membership_id=uuid.uuid4(),
                application_id=uuid.uuid4(),
                siren=siren,
                year=CAMPAIGN_YEAR,
                plan="premium" if i % 3 else "simple",
                amount=Decimal("150.00") if i % 3 else Decimal("100.00"),
                customer=CustomerDetails(
                    siren=siren,
                    siret=siren + "00017",
                    legal_name=f"Structure adhérente {i}",
                    address_line="12 rue Sainte-Catherine",
                    postal_code="33000",
                    city="Bordeaux",
                    insee_code="33063",
                    email="compta@example.org",
                ),
                requested_at=datetime(CAMPAIGN_YEAR - 1, 12, 1, tzinfo=UTC),
            )
        )
    return events


async def flat_out(
    events: list[MembershipRenewalRequested],
    one: Callable[[MembershipRenewalRequested], Awaitable[None]],
) -> float:
    """Apply every event, ``CONCURRENCY`` at a time; the seconds it took."""
    queue = iter(events)

    async def worker() -> None:
        for event in queue:
            await one(event)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return time.perf_counter() - start


# -- the call for dues: the kit -----------------------------------------------------------------


async def kit_dues(runtime: BillingRuntime, events: list[MembershipRenewalRequested]) -> float:
    async def one(event: MembershipRenewalRequested) -> None:
        envelope = build_envelope(event, aggregate=AggregateRef(str(event.membership_id), None))
        async with runtime.uow() as uow:
            assert await inbox.claim(uow.driver, QUEUE, envelope.message_id)
            await on_membership_renewal_requested(event, envelope, uow)
            await uow.commit()

    await flat_out(events[:WARMUP], one)
    return await flat_out(events[WARMUP:], one)


# -- the call for dues: raw asyncpg -------------------------------------------------------------

RAW_CUSTOMER = """
INSERT INTO customers (siren, siret, legal_name, address_line, postal_code, city, insee_code,
    public_body, email, updated_at, chorus_service_code, chorus_commitment_number,
    chorus_service_code_required, chorus_commitment_required)
VALUES ($1, $2, $3, $4, $5, $6, $7, false, $8, $9, NULL, NULL, false, false)
ON CONFLICT (siren) DO UPDATE SET legal_name = EXCLUDED.legal_name, updated_at = EXCLUDED.updated_at
RETURNING *"""
RAW_EXISTING = """
SELECT id FROM invoices WHERE kind = 'membership_renewal' AND subject_id = $1
UNION ALL SELECT invoice_id FROM dues_keys WHERE siren = $2 AND year = $3
    AND kind = 'membership_renewal' LIMIT 1"""
RAW_LOCK = """
INSERT INTO number_sequences (series, year, last_value) VALUES ('FA', $1, 0)
ON CONFLICT (series, year) DO UPDATE SET last_value = number_sequences.last_value
RETURNING last_value"""
RAW_ADVANCE = """
UPDATE number_sequences SET last_value = last_value + 1
WHERE series = 'FA' AND year = $1 AND last_value = $2
  AND NOT EXISTS (SELECT 1 FROM invoices WHERE kind = 'membership_renewal' AND subject_id = $3)
  AND NOT EXISTS (SELECT 1 FROM dues_keys WHERE siren = $4 AND year = $5
                  AND kind = 'membership_renewal')
RETURNING last_value"""
RAW_INVOICE = """
WITH inv AS (
  INSERT INTO invoices (id, number, series_year, sequence, kind, subject_id, membership_id,
      siren, year, plan, customer_name, customer_address_line, customer_postal_code,
      customer_city, customer_siret, customer_public_body, issued_on, due_on, total, currency,
      created_at)
  VALUES ($1, $2, $3, $4, 'membership_renewal', $5, $5, $6, $7, $8, $9, $10, $11, $12, $13,
      false, $14, $15, $16, 'EUR', $17) RETURNING id),
lines AS (
  INSERT INTO invoice_lines (invoice_id, position, description, quantity, unit_price, amount)
  SELECT id, 1, $18, 1, $16, $16 FROM inv),
dues AS (
  INSERT INTO dues_keys (siren, year, kind, invoice_id)
  SELECT $6, $7, 'membership_renewal', id FROM inv)
INSERT INTO invoice_state (invoice_id) SELECT id FROM inv RETURNING invoice_id, version"""
RAW_SOURCE = """
INSERT INTO document_sources (document_id, kind, number, invoice_id, siren, issued_on,
    public_body, awaiting_references, source, created_at)
VALUES ($1, 'invoice', $2, $1, $3, $4, false, false, $5::jsonb, $6)"""
RAW_POST = """
WITH counter AS (
  INSERT INTO ledger_counters (journal, fiscal_year, last_number, last_valid_on)
  VALUES ('VE', $1, 1, $2)
  ON CONFLICT (journal, fiscal_year) DO UPDATE SET last_number = ledger_counters.last_number + 1,
      last_valid_on = greatest(ledger_counters.last_valid_on, EXCLUDED.last_valid_on)
  RETURNING last_number, last_valid_on),
entry AS (
  INSERT INTO ledger_entries (journal, fiscal_year, number, entry_date, piece_ref, piece_date,
      label, valid_on, source_kind, source_id, posted_at)
  SELECT 'VE', $1, last_number, $2, $3, $2, $4, last_valid_on, 'invoice', $5, $6 FROM counter
  RETURNING id)
INSERT INTO ledger_lines (entry_id, position, account, account_label, aux_account, aux_label,
    debit, credit, invoice_id)
SELECT id, 1, '411000', 'Clients', $7, $8, $9, 0, $10::uuid FROM entry
UNION ALL SELECT id, 2, '756000', 'Cotisations', NULL, NULL, 0, $9, NULL FROM entry"""
RAW_OUTBOX = (
    "WITH inserted AS (INSERT INTO outbox (id, routing_key, event_type, payload)"
    " VALUES ($1, 'invoice.issued.v1', 'InvoiceIssued', $2::jsonb))"
    " SELECT pg_notify('outbox', '')"
)


def source_template(settings: BillingSettings) -> dict[str, Any]:
    """A document source as billing freezes one: the raw pipeline stores one like it."""
    doc = invoice_document(
        settings,
        number="FA-0000-00000",
        kind="membership_renewal",
        customer=document_customer(
            Customer("000000000", "Structure adhérente", "12 rue", "33000", "Bordeaux")
        ),
        lines=[dues_line("membership_renewal", year=CAMPAIGN_YEAR, amount=Decimal(150), plan="x")],
        total=Decimal("150.00"),
        issued_on=date(CAMPAIGN_YEAR - 1, 12, 1),
        due_on=date(CAMPAIGN_YEAR - 1, 12, 31),
        created_at=datetime(CAMPAIGN_YEAR - 1, 12, 1, 9, tzinfo=UTC),
    )
    return encode_invoice(doc)


async def raw_dues(
    url: str, settings: BillingSettings, events: list[MembershipRenewalRequested]
) -> float:
    pool = await asyncpg.create_pool(to_sync_url(url), min_size=CONCURRENCY, max_size=CONCURRENCY)
    template = source_template(settings)
    today = date(CAMPAIGN_YEAR - 1, 12, 1)
    now = datetime(CAMPAIGN_YEAR - 1, 12, 1, 9, tzinfo=UTC)
    due = date(CAMPAIGN_YEAR - 1, 12, 31)

    async def one(event: MembershipRenewalRequested) -> None:
        c = event.customer
        invoice_id, message_id = uuid.uuid4(), uuid.uuid4()
        line = dues_line(
            "membership_renewal", year=event.year, amount=event.amount, plan=event.plan
        )
        source = {**template}
        source["customer"] = {**template["customer"], "name": c.legal_name, "siren": c.siren}
        async with pool.acquire() as conn, conn.transaction():
            claimed = await conn.fetchval(
                "INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) "
                "ON CONFLICT DO NOTHING RETURNING 1",
                QUEUE,
                message_id,
            )
            assert claimed
            await conn.fetch(
                "SELECT * FROM auditorium_bookings WHERE siren = $1 AND invoice_id IS NULL "
                "AND amount IS NOT NULL FOR UPDATE",
                c.siren,
            )
            assert not await conn.fetchval(RAW_EXISTING, event.membership_id, c.siren, event.year)
            await conn.fetchrow(
                RAW_CUSTOMER,
                c.siren,
                c.siret,
                c.legal_name,
                c.address_line,
                c.postal_code,
                c.city,
                c.insee_code,
                c.email,
                now,
            )
            last = await conn.fetchval(RAW_LOCK, today.year)
            sequence = await conn.fetchval(
                RAW_ADVANCE, today.year, last, event.membership_id, c.siren, event.year
            )
            number = f"FA-{today.year}-{sequence:05d}"
            await conn.fetchrow(
                RAW_INVOICE,
                invoice_id,
                number,
                today.year,
                sequence,
                event.membership_id,
                c.siren,
                event.year,
                event.plan,
                c.legal_name,
                c.address_line,
                c.postal_code,
                c.city,
                c.siret,
                today,
                due,
                line.amount,
                now,
                line.description,
            )
            source["number"] = number
            await conn.execute(
                RAW_SOURCE, invoice_id, number, c.siren, today, json.dumps(source), now
            )
            await conn.execute(
                RAW_POST,
                today.year,
                today,
                number,
                f"Facture {number} {c.legal_name}",
                str(invoice_id),
                now,
                f"C{c.siren}",
                c.legal_name,
                line.amount,
                invoice_id,
            )
            payload = {"invoice_id": str(invoice_id), "number": number, "total": str(line.amount)}
            await conn.execute(RAW_OUTBOX, uuid.uuid4(), json.dumps({"payload": payload}))

    try:
        await flat_out(events[:WARMUP], one)
        return await flat_out(events[WARMUP:], one)
    finally:
        await pool.close()


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

POPULATE_FEC = """
WITH n AS (SELECT g, date '{year}-01-01' + (g * 364 / {count})::int AS on_day
           FROM generate_series(1, {count}) AS g),
     ve AS (
       INSERT INTO ledger_entries (journal, fiscal_year, number, entry_date, piece_ref, piece_date,
           label, valid_on, source_kind, source_id, posted_at)
       SELECT 'VE', {year}, g, on_day, 'FA-{year}-' || lpad(g::text, 5, '0'), on_day,
           'Facture FA-{year}-' || lpad(g::text, 5, '0') || ' Structure ' || g, on_day,
           'invoice', 'bench-ve-' || g, now()
       FROM n RETURNING id, number),
     bq AS (
       INSERT INTO ledger_entries (journal, fiscal_year, number, entry_date, piece_ref, piece_date,
           label, valid_on, source_kind, source_id, posted_at)
       SELECT 'BQ', {year}, g, on_day, 'VIR-' || g, on_day,
           'Règlement transfer FA-{year}-' || lpad(g::text, 5, '0'), on_day,
           'payment', 'bench-bq-' || g, now()
       FROM n RETURNING id, number)
INSERT INTO ledger_lines (entry_id, position, account, account_label, aux_account, aux_label,
    debit, credit, invoice_id)
SELECT ve.id, 1, '411000', 'Clients', 'C' || lpad(ve.number::text, 9, '0'),
       'Structure ' || ve.number, 150, 0, NULL::uuid FROM ve
UNION ALL SELECT ve.id, 2, '756000', 'Cotisations', NULL, NULL, 0, 150, NULL FROM ve
UNION ALL SELECT bq.id, 1, '512000', 'Banque', NULL, NULL, 150, 0, NULL FROM bq
UNION ALL SELECT bq.id, 2, '411000', 'Clients', 'C' || lpad(bq.number::text, 9, '0'),
       'Structure ' || bq.number, 0, 150, NULL FROM bq
"""
LETTER_FEC = """
INSERT INTO ledger_letterings (fiscal_year, code, lettered_on, invoice_id)
SELECT {year}, 'L' || lpad(number::text, 6, '0'), valid_on, gen_random_uuid()
FROM ledger_entries WHERE journal = 'VE' AND fiscal_year = {year};
INSERT INTO ledger_lettered_lines (entry_id, position, lettering_id)
SELECT e.id, CASE e.journal WHEN 'VE' THEN 1 ELSE 2 END, t.id
FROM ledger_entries e JOIN ledger_letterings t
  ON t.fiscal_year = e.fiscal_year AND t.code = 'L' || lpad(e.number::text, 6, '0')
WHERE e.fiscal_year = {year} AND e.journal IN ('VE', 'BQ');
"""
RAW_FEC_SELECT = """
SELECT e.journal, e.number, e.entry_date, e.piece_ref, e.piece_date, e.label, e.valid_on,
       l.account, l.account_label, l.aux_account, l.aux_label, l.debit, l.credit,
       t.code, t.lettered_on
FROM ledger_entries e JOIN ledger_lines l ON l.entry_id = e.id
LEFT JOIN ledger_lettered_lines x ON x.entry_id = l.entry_id AND x.position = l.position
LEFT JOIN ledger_letterings t ON t.id = x.lettering_id
WHERE e.fiscal_year = $1
ORDER BY e.valid_on, e.journal, e.number, l.position"""


def _clean(text: str | None) -> str:
    return " ".join((text or "").replace("|", "/").replace("\t", " ").split())


def _fr(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


async def raw_fec(url: str, year: int) -> tuple[float, bytes]:
    conn = await asyncpg.connect(to_sync_url(url))
    try:
        start = time.perf_counter()
        lines = ["|".join(fec.COLUMNS)]
        for r in await conn.fetch(RAW_FEC_SELECT, year):
            lines.append(
                "|".join(
                    (
                        r["journal"],
                        fec.JOURNALS[r["journal"]],
                        f"{r['journal']}{r['number']:06d}",
                        f"{r['entry_date']:%Y%m%d}",
                        r["account"],
                        _clean(r["account_label"]),
                        r["aux_account"] or "",
                        _clean(r["aux_label"]),
                        _clean(r["piece_ref"]),
                        f"{r['piece_date']:%Y%m%d}",
                        _clean(r["label"]),
                        _fr(r["debit"]),
                        _fr(r["credit"]),
                        r["code"] or "",
                        f"{r['lettered_on']:%Y%m%d}" if r["lettered_on"] else "",
                        f"{r['valid_on']:%Y%m%d}",
                        "",
                        "",
                    )
                )
            )
        content = ("\n".join(lines) + "\n").encode("utf-8")
        return time.perf_counter() - start, content
    finally:
        await conn.close()


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

    def url(self, name: str) -> str:
        base, _, _ = ADMIN_DATABASE_URL.rpartition("/")
        return f"{base}/{name}"

    async def create(self, role: str) -> str:
        name = f"bench_billing_{self.run_id}_{role}"
        admin = await asyncpg.connect(to_sync_url(ADMIN_DATABASE_URL))
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        self.names.append(name)
        url = self.url(name)
        await asyncio.to_thread(upgrade_to_head, SERVICE_DIR, url)
        return url

    async def drop(self) -> None:
        admin = await asyncpg.connect(to_sync_url(ADMIN_DATABASE_URL))
        try:
            for name in self.names:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


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
        print(f"call for dues: {args.members} MembershipRenewalRequested, {CONCURRENCY} at a time")
        raw_s = await raw_dues(raw_url, settings, events)
        print(f"  raw asyncpg: {raw_s:6.2f} s  ({args.members / raw_s:,.0f} invoices/s)")
        kit_s = await kit_dues(runtime, events)
        print(
            f"  billing:     {kit_s:6.2f} s  ({args.members / kit_s:,.0f} invoices/s), "
            f"target < {TARGET_S:.0f} s {verdict(kit_s)}"
        )
        print(f"RATIO billing_dues_call {kit_s / raw_s:.2f}")

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
