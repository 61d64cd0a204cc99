"""The raw asyncpg baselines of the billing benchmarks (:mod:`billing_bench`): the work of
billing's call for dues and of its FEC export in plain SQL, the floor the kit is measured against
in the same invocation."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import asyncpg
from billing_campaign import CAMPAIGN_YEAR, QUEUE, Timing, as_the_kit

from billing.documents.sources import document_customer, encode_invoice, invoice_document
from billing.domain import fec
from billing.domain.invoices import dues_line
from billing.domain.mentions import Customer
from billing.settings import BillingSettings
from shared.contracts import MembershipRenewalRequested
from shared.db import to_sync_url
from shared.messaging.batches import AT_ONCE

# -- the call for dues: raw asyncpg -------------------------------------------------------------

RAW_CLAIM = """
INSERT INTO inbox (consumer, message_id) SELECT $1, unnest($2::uuid[])
ON CONFLICT DO NOTHING RETURNING message_id"""
RAW_WAITING = """
SELECT * FROM auditorium_bookings WHERE siren = ANY($1::text[]) AND invoice_id IS NULL
  AND amount IS NOT NULL ORDER BY booked_on, booking_id FOR UPDATE"""
RAW_KEYS = """
SELECT k.rank, coalesce(
  (SELECT id FROM invoices i WHERE i.kind = 'membership_renewal' AND i.subject_id = k.subject),
  (SELECT invoice_id FROM dues_keys d WHERE d.siren = k.siren AND d.year = k.year
     AND d.kind = 'membership_renewal')) AS id
FROM unnest(${0}::uuid[], ${1}::text[], ${2}::integer[]) WITH ORDINALITY
  AS k(subject, siren, year, rank)"""
RAW_EXISTING = RAW_KEYS.format(1, 2, 3) + " ORDER BY k.rank"
RAW_CUSTOMERS = """
INSERT INTO customers (siren, siret, legal_name, address_line, postal_code, city, insee_code,
    public_body, email, updated_at, chorus_service_code, chorus_commitment_number,
    chorus_service_code_required, chorus_commitment_required)
SELECT c.*, false, $8, $9::timestamptz, NULL, NULL, false, false
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
  AS c(siren, siret, legal_name, address_line, postal_code, city, insee_code)
ORDER BY c.siren
ON CONFLICT (siren) DO UPDATE SET legal_name = EXCLUDED.legal_name, updated_at = EXCLUDED.updated_at
RETURNING *"""
RAW_LOCK = """
INSERT INTO number_sequences (series, year, last_value) VALUES ('FA', $1, 0)
ON CONFLICT (series, year) DO UPDATE SET last_value = number_sequences.last_value
RETURNING last_value"""
RAW_ADVANCE = f"""
WITH k AS ({RAW_KEYS.format(3, 4, 5)}),
adv AS (UPDATE number_sequences SET last_value = last_value + (SELECT count(*) FROM k WHERE id IS NULL)
        WHERE series = 'FA' AND year = $1 AND last_value = $2 RETURNING last_value)
SELECT k.rank, k.id, (SELECT last_value FROM adv) FROM k ORDER BY k.rank"""
RAW_INVOICES = """
WITH inv AS (
  INSERT INTO invoices (id, number, series_year, sequence, kind, subject_id, membership_id,
      siren, year, plan, customer_name, customer_address_line, customer_postal_code,
      customer_city, customer_siret, customer_public_body, issued_on, due_on, total, currency,
      created_at)
  SELECT r.id, r.number, $3, r.sequence, 'membership_renewal', r.subject, r.subject, r.siren,
      r.year, r.plan, r.name, r.address, r.postal_code, r.city, r.siret, false, $4, $5, r.total,
      'EUR', $6
  FROM unnest($1::uuid[], $2::text[], $7::integer[], $8::uuid[], $9::text[], $10::integer[],
      $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
      $17::numeric[])
    AS r(id, number, sequence, subject, siren, year, plan, name, address, postal_code, city,
      siret, total)
  RETURNING id, siren, year, total),
lines AS (
  INSERT INTO invoice_lines (invoice_id, position, description, quantity, unit_price, amount)
  SELECT inv.id, 1, l.description, 1, inv.total, inv.total
  FROM unnest($1::uuid[], $18::text[]) AS l(id, description) JOIN inv ON inv.id = l.id),
dues AS (
  INSERT INTO dues_keys (siren, year, kind, invoice_id)
  SELECT siren, year, 'membership_renewal', id FROM inv)
INSERT INTO invoice_state (invoice_id) SELECT id FROM inv RETURNING invoice_id, version"""
RAW_SOURCES = """
INSERT INTO document_sources (document_id, kind, number, invoice_id, siren, issued_on,
    public_body, awaiting_references, source, created_at)
SELECT s.id, 'invoice', s.number, s.id, s.siren, $4, false, false, s.source, $5
FROM unnest($1::uuid[], $2::text[], $3::text[], $6::jsonb[]) AS s(id, number, siren, source)"""
RAW_POST = """
WITH counter AS (
  INSERT INTO ledger_counters (journal, fiscal_year, last_number, last_valid_on)
  VALUES ('VE', $1, $3, $2)
  ON CONFLICT (journal, fiscal_year) DO UPDATE
  SET last_number = ledger_counters.last_number + EXCLUDED.last_number,
      last_valid_on = greatest(ledger_counters.last_valid_on, EXCLUDED.last_valid_on)
  RETURNING last_number - $3 AS base, last_valid_on),
e AS (SELECT * FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
          $9::numeric[], $10::uuid[]) WITH ORDINALITY
        AS e(piece, label, source_id, aux, aux_label, amount, invoice_id, rank)),
entry AS (
  INSERT INTO ledger_entries (journal, fiscal_year, number, entry_date, piece_ref, piece_date,
      label, valid_on, source_kind, source_id, posted_at)
  SELECT 'VE', $1, counter.base + e.rank, $2, e.piece, $2, e.label, counter.last_valid_on,
      'invoice', e.source_id, $11
  FROM counter, e RETURNING id, number)
INSERT INTO ledger_lines (entry_id, position, account, account_label, aux_account, aux_label,
    debit, credit, invoice_id)
SELECT entry.id, 1, '411000', 'Clients', e.aux, e.aux_label, e.amount, 0, e.invoice_id
FROM counter CROSS JOIN e JOIN entry ON entry.number = counter.base + e.rank
UNION ALL
SELECT entry.id, 2, '756000', 'Cotisations', NULL, NULL, 0, e.amount, NULL
FROM counter CROSS JOIN e JOIN entry ON entry.number = counter.base + e.rank"""
RAW_OUTBOX = (
    "WITH inserted AS (INSERT INTO outbox (id, routing_key, event_type, payload)"
    " SELECT id, 'invoice.issued.v1', 'InvoiceIssued', payload"
    " FROM unnest($1::uuid[], $2::jsonb[]) AS o(id, payload))"
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
) -> Timing:
    """The same batches and statements on asyncpg, without the kit, the use case's records
    or SQLAlchemy."""
    pool = await asyncpg.create_pool(to_sync_url(url), min_size=AT_ONCE, max_size=AT_ONCE)
    template = source_template(settings)
    today = date(CAMPAIGN_YEAR - 1, 12, 1)
    now = datetime(CAMPAIGN_YEAR - 1, 12, 1, 9, tzinfo=UTC)
    due = date(CAMPAIGN_YEAR - 1, 12, 31)

    async def apply(batch: list[MembershipRenewalRequested]) -> None:
        customers = [e.customer for e in batch]
        sirens = [c.siren for c in customers]
        subjects = [e.membership_id for e in batch]
        years = [e.year for e in batch]
        async with pool.acquire() as conn, conn.transaction():
            claimed = await conn.fetch(RAW_CLAIM, QUEUE, [uuid.uuid4() for _ in batch])
            assert len(claimed) == len(batch)
            await conn.fetch(RAW_WAITING, sirens)
            existing = await conn.fetch(RAW_EXISTING, subjects, sirens, years)
            assert all(r["id"] is None for r in existing)
            await conn.fetch(
                RAW_CUSTOMERS,
                sirens,
                [c.siret for c in customers],
                [c.legal_name for c in customers],
                [c.address_line for c in customers],
                [c.postal_code for c in customers],
                [c.city for c in customers],
                [c.insee_code for c in customers],
                customers[0].email,
                now,
            )
            lines = [
                dues_line("membership_renewal", year=e.year, amount=e.amount, plan=e.plan)
                for e in batch
            ]
            ids = [uuid.uuid4() for _ in batch]
            sources = []
            last = await conn.fetchval(RAW_LOCK, today.year)
            rows = await conn.fetch(RAW_ADVANCE, today.year, last, subjects, sirens, years)
            assert rows[0][2] == last + len(batch)
            sequences = list(range(last + 1, last + len(batch) + 1))
            numbers = [f"FA-{today.year}-{n:05d}" for n in sequences]
            for c, number in zip(customers, numbers, strict=True):
                source = {**template, "number": number}
                source["customer"] = {
                    **template["customer"],
                    "name": c.legal_name,
                    "siren": c.siren,
                }
                sources.append(json.dumps(source))
            await conn.fetch(
                RAW_INVOICES,
                ids,
                numbers,
                today.year,
                today,
                due,
                now,
                sequences,
                subjects,
                sirens,
                years,
                [e.plan for e in batch],
                [c.legal_name for c in customers],
                [c.address_line for c in customers],
                [c.postal_code for c in customers],
                [c.city for c in customers],
                [c.siret for c in customers],
                [x.amount for x in lines],
                [x.description for x in lines],
            )
            await conn.execute(RAW_SOURCES, ids, numbers, sirens, today, now, sources)
            await conn.execute(
                RAW_POST,
                today.year,
                today,
                len(batch),
                numbers,
                [f"Facture {n} {c.legal_name}" for n, c in zip(numbers, customers, strict=True)],
                [str(i) for i in ids],
                [f"C{s}" for s in sirens],
                [c.legal_name for c in customers],
                [x.amount for x in lines],
                ids,
                now,
            )
            payloads = [
                json.dumps({"payload": {"invoice_id": str(i), "number": n, "total": str(x.amount)}})
                for i, n, x in zip(ids, numbers, lines, strict=True)
            ]
            await conn.fetch(RAW_OUTBOX, [uuid.uuid4() for _ in batch], payloads)

    try:
        return await as_the_kit(url, events, apply)
    finally:
        await pool.close()


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
