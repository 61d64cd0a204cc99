"""F4 on the real servers: bank statements (CFONB 120, CAMT.053, a bank's CSV export)
imported in one transaction: each payment recorded once, matched to the invoices it names or
left in the unmatched queue; the same file twice changes nothing the second time."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from billing_factories import (
    Movement,
    approved,
    camt053_statement,
    cfonb_statement,
    deliver,
    outbox_events,
    the_invoice,
)

from billing.repositories.records import InvoiceRecord
from billing.service import BillingRuntime
from shared.clock import FixedClock

pytestmark = pytest.mark.integration
D = Decimal


async def imported(
    client: httpx.AsyncClient, headers: dict[str, str], body: bytes, query: str, kind: str
) -> httpx.Response:
    return await client.post(
        f"/payments/import?{query}", content=body, headers={**headers, "content-type": kind}
    )


async def books(billing: BillingRuntime) -> dict[str, int]:
    """How many rows each money table holds: an import that changes nothing leaves them."""
    async with billing.uow() as uow:
        counts = {}
        for table in ("payments", "payment_allocations", "ledger_entries", "outbox"):
            result = await uow.connection.execute(sa.text(f"SELECT count(*) FROM {table}"))
            counts[table] = int(result.scalar_one())
        return counts


async def two_invoices(billing: BillingRuntime) -> tuple[InvoiceRecord, InvoiceRecord]:
    a, b = approved(year=2025), approved(year=2025, amount="150.00", plan="premium")
    await deliver(billing, a)
    await deliver(billing, b)
    return await the_invoice(billing, a.siren), await the_invoice(billing, b.siren)


async def test_f4_the_same_cfonb_statement_imported_twice_changes_nothing_the_second_time(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2025, 9, 5, 9, tzinfo=UTC))
    first_invoice, second_invoice = await two_invoices(billing)
    year, sequence = first_invoice.number[3:7], first_invoice.number[8:]
    statement = cfonb_statement(
        [
            # the number cut over two complement records, as banks do
            Movement(
                date(2025, 9, 3),
                D("100.00"),
                "VIR SEPA RECU LYCEE",
                (f"COTISATION FA-{year}-", sequence),
                "LYCEE JEAN MONNET",
            ),
            Movement(date(2025, 9, 3), D("150.00"), "VIR SEPA RECU", (second_invoice.number,)),
            Movement(date(2025, 9, 4), D("-12.50"), "COMMISSION TENUE DE COMPTE"),
            Movement(date(2025, 9, 4), D("35.00"), "REMISE CHEQUE 4412233", ("DON",)),
        ],
        account=first_invoice.siren + "00",
    )
    first = await imported(client, finance, statement, "format=cfonb", "text/plain")
    assert first.status_code == 200, first.text
    report = first.json()
    assert report["recorded"] == 3
    assert [m["invoice_numbers"] for m in report["matched"]] == [
        [first_invoice.number],
        [second_invoice.number],
    ]
    [unmatched] = report["unmatched"]
    assert unmatched["amount"] == "35.00"
    assert unmatched["outcome"] == "names no invoice number"
    [skipped] = report["skipped"]
    assert skipped["amount"] == "-12.50"
    for invoice in (first_invoice, second_invoice):
        got = (await client.get(f"/invoices/{invoice.id}", headers=finance)).json()
        assert got["status"] == "paid"
    cheque = await client.get(f"/payments/{unmatched['payment_id']}", headers=finance)
    assert (cheque.json()["method"], cheque.json()["status"]) == ("cheque", "unmatched")

    before = await books(billing)
    again = await imported(client, finance, statement, "format=cfonb", "text/plain")
    assert again.status_code == 200
    assert again.json()["recorded"] == 0
    assert again.json()["matched"] == again.json()["unmatched"] == []
    assert [d["payment_id"] for d in again.json()["duplicates"]] == [
        m["payment_id"] for m in report["matched"]
    ] + [unmatched["payment_id"]]
    assert await books(billing) == before, "nothing changed the second time"
    assert await outbox_events(billing, "InvoicePaid", "invoice_id", str(first_invoice.id)) == 1


async def test_f4_the_same_camt053_statement_imported_twice_changes_nothing_the_second_time(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2025, 9, 8, 9, tzinfo=UTC))
    first_invoice, second_invoice = await two_invoices(billing)
    ref = f"CAMT-{first_invoice.siren}"
    statement = camt053_statement(
        [
            # one entry batching two transfers, each with its own remittance text
            (
                ref,
                [
                    (D("100.00"), first_invoice.number.lower(), "MISSION LOCALE"),
                    (D("160.00"), f"ADHESION {second_invoice.number}", "GRETA"),
                ],
            ),
            (f"{ref}-FEE", [(D("-4.00"), "FRAIS", None)]),
        ],
        on=date(2025, 9, 5),
    )
    first = await imported(client, finance, statement, "format=camt053", "application/xml")
    assert first.status_code == 200, first.text
    assert first.json()["recorded"] == 2
    assert len(first.json()["matched"]) == 2
    assert len(first.json()["skipped"]) == 1
    overpaid = (await client.get(f"/invoices/{second_invoice.id}", headers=finance)).json()
    assert (overpaid["status"], overpaid["overpaid"]) == ("paid", "10.00"), "kept, never lost"

    before = await books(billing)
    again = await imported(client, finance, statement, "format=camt053", "application/xml")
    assert (again.json()["recorded"], len(again.json()["duplicates"])) == (0, 2)
    assert await books(billing) == before


async def test_f4_a_banks_csv_export_is_imported_and_an_unknown_number_waits_unmatched(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2025, 9, 10, 9, tzinfo=UTC))
    invoice, _ = await two_invoices(billing)
    s = invoice.siren
    export = (
        "Compte courant;;;;\n"
        "Date opération;Libellé;Débit euros;Crédit euros;Référence\n"
        f"09/09/2025;VIR {s} {invoice.number};;100,00;CSV-{s}-1\n"
        f"09/09/2025;VIR {s} FA-2019-99999;;20,00;CSV-{s}-2\n"
        f"09/09/2025;FRAIS {s};1,00;;\n"
        f"Solde au 09/09/2025;;;119,00;\n"
    ).encode("cp1252")
    first = await imported(client, finance, export, "format=csv", "text/csv")
    assert first.status_code == 200, first.text
    assert [m["bank_reference"] for m in first.json()["matched"]] == [f"CSV-{s}-1"]
    [waiting] = first.json()["unmatched"]
    assert waiting["outcome"] == "names no known invoice (FA-2019-99999)"
    queue = await client.get(
        "/payments?matched=false&received_from=2025-09-09&received_to=2025-09-09&limit=500",
        headers=finance,
    )
    assert waiting["payment_id"] in {p["id"] for p in queue.json()["items"]}
    again = await imported(client, finance, export, "format=csv", "text/csv")
    assert again.json()["recorded"] == 0


async def test_f4_a_statement_with_a_payment_dated_before_the_first_year_is_refused_whole(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2025, 9, 12, 9, tzinfo=UTC))
    invoice, _ = await two_invoices(billing)
    statement = camt053_statement(
        [(f"OLD-{invoice.siren}", [(D("100.00"), invoice.number, None)])], on=date(2024, 12, 31)
    )
    before = await books(billing)
    refused = await imported(client, finance, statement, "format=camt053", "text/xml")
    assert refused.status_code == 422
    assert refused.json()["code"] == "F4"
    assert "31/12/2024" in refused.json()["detail"]
    assert await books(billing) == before


@pytest.mark.parametrize(
    ("query", "body", "code"),
    [
        ("format=mt940", b"x", "validation"),
        ("format=cfonb", b"99 not a record", "validation"),
        ("format=camt053", b"<Document/>", "validation"),
        ("format=csv&account=XX00", b"Date;Libelle;Montant\n", "validation"),
        ("format=camt053&account=FR7630006000011234567890189", None, "validation"),
    ],
)
async def test_f4_a_statement_that_cannot_be_read_is_a_422_problem(
    client: httpx.AsyncClient,
    finance: dict[str, str],
    clock: FixedClock,
    query: str,
    body: bytes | None,
    code: str,
) -> None:
    clock.set(datetime(2025, 9, 12, 9, tzinfo=UTC))
    content = body or camt053_statement(
        [(f"ACC-{uuid.uuid4()}", [(D("1.00"), "x", None)])], on=date(2025, 9, 1)
    )
    r = await imported(client, finance, content, query, "application/octet-stream")
    assert r.status_code == 422, r.text
    assert r.json()["code"] == code


async def test_f4_a_retried_import_with_the_same_key_is_answered_the_same(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2025, 9, 15, 9, tzinfo=UTC))
    invoice, _ = await two_invoices(billing)
    statement = camt053_statement(
        [(f"KEY-{invoice.siren}", [(D("100.00"), invoice.number, None)])], on=date(2025, 9, 15)
    )
    headers: dict[str, Any] = {**finance, "Idempotency-Key": str(uuid.uuid4())}
    first = await imported(client, headers, statement, "format=camt053", "application/xml")
    again = await imported(client, headers, statement, "format=camt053", "application/xml")
    assert first.json()["recorded"] == 1
    assert again.json() == first.json(), "the first answer, not a report of duplicates"
