"""F7 on the real servers: entries posted once with each fact, the FEC rendered from them (the
same file whenever it is produced, and one the administration accepts), paid invoices
lettered."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from billing_factories import approved, deliver, the_invoice
from sqlalchemy.exc import DBAPIError

from billing.formats.fec_check import fec_problems
from billing.service import BillingRuntime
from shared.clock import FixedClock

pytestmark = pytest.mark.integration


def pay(ref: str, amount: str, reference: str, on: str) -> dict[str, Any]:
    return {
        "method": "transfer",
        "amount": amount,
        "received_on": on,
        "payer_reference": reference,
        "bank_reference": ref,
    }


def rows(text: str) -> list[dict[str, str]]:
    lines = text.splitlines()
    header = lines[0].split("|")
    return [dict(zip(header, line.split("|"), strict=True)) for line in lines[1:]]


async def test_f7_the_fec_is_rendered_from_the_posted_entries_the_same_file_every_time(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2041, 2, 1, 9, tzinfo=UTC))
    a, b = approved(year=2041), approved(year=2041, amount="150.00", plan="premium")
    await deliver(billing, a)
    await deliver(billing, b)
    inv_a, inv_b = await the_invoice(billing, a.siren), await the_invoice(billing, b.siren)
    clock.set(datetime(2041, 2, 10, 9, tzinfo=UTC))
    paid = await client.post(
        "/payments", json=pay(f"L-{a.siren}", "100.00", inv_a.number, "2041-02-09"), headers=finance
    )
    assert paid.status_code == 201
    waiting = await client.post(
        "/payments", json=pay(f"L-{b.siren}", "80.00", "CHEQUE", "2041-02-09"), headers=finance
    )
    clock.set(datetime(2041, 2, 12, 9, tzinfo=UTC))
    await client.post(
        f"/payments/{waiting.json()['id']}/allocations",
        json={"invoice_number": inv_b.number},
        headers=finance,
    )
    await client.post(
        f"/invoices/{inv_b.number}/credit-notes",
        json={"amount": "70.00", "reason": "Remise"},
        headers=finance,
    )

    first = await client.get("/exports/fec/2041", headers=finance)
    assert first.status_code == 200, first.text
    name = "839527660FEC20411231.txt"
    assert f'filename="{name}"' in first.headers["content-disposition"]
    assert fec_problems(first.text, name) == []
    again = await client.get("/exports/fec/2041", headers=finance)
    assert again.content == first.content, "the same entries make the same file"
    found = rows(first.text)
    numbers = list(dict.fromkeys(r["EcritureNum"] for r in found))
    assert numbers == ["VE000001", "VE000002", "BQ000001", "BQ000002", "OD000001", "VE000003"]
    assert [r["ValidDate"] for r in found] == sorted(r["ValidDate"] for r in found)

    # a later fact adds its entry; those posted before keep their numbers and lines
    clock.set(datetime(2041, 3, 1, 9, tzinfo=UTC))
    await deliver(billing, approved(year=2041))
    later = await client.get("/exports/fec/2041", headers=finance)
    assert later.text.startswith(first.text)
    assert rows(later.text)[-1]["EcritureNum"] == "VE000004"
    # entries are posted once and never change
    async with billing.uow() as uow:
        with pytest.raises(DBAPIError, match="F2"):
            await uow.connection.execute(
                sa.text("UPDATE ledger_lines SET debit = 0 WHERE invoice_id = :id"),
                {"id": inv_a.id},
            )


async def test_f7_a_paid_invoice_is_lettered_with_the_payment_that_settles_it(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2042, 5, 2, 9, tzinfo=UTC))
    paid, partly, credited = approved(year=2042), approved(year=2042), approved(year=2042)
    for event in (paid, partly, credited):
        await deliver(billing, event)
    inv_paid = await the_invoice(billing, paid.siren)
    inv_partly = await the_invoice(billing, partly.siren)
    inv_credited = await the_invoice(billing, credited.siren)
    clock.set(datetime(2042, 5, 20, 9, tzinfo=UTC))
    for ref, invoice, amount in (
        ("LET-1", inv_paid, "60.00"),
        ("LET-2", inv_paid, "40.00"),
        ("LET-3", inv_partly, "30.00"),
        ("LET-4", inv_credited, "30.00"),
    ):
        r = await client.post(
            "/payments",
            json=pay(f"{ref}-{invoice.siren}", amount, invoice.number, "2042-05-18"),
            headers=finance,
        )
        assert r.status_code == 201, r.text
    # the rest of the third cancelled by a credit note: settled too, and lettered
    await client.post(
        f"/invoices/{inv_credited.number}/credit-notes",
        json={"amount": "70.00", "reason": "Solde annulé"},
        headers=finance,
    )
    text = (await client.get("/exports/fec/2042", headers=finance)).text
    assert fec_problems(text, "839527660FEC20421231.txt") == []
    customer_lines = [r for r in rows(text) if r["CompteNum"] == "411000"]

    def letters(siren: str) -> set[tuple[str, str]]:
        return {
            (r["EcritureLet"], r["DateLet"]) for r in customer_lines if siren in r["CompAuxNum"]
        }

    [(code, on)] = letters(paid.siren)
    assert code
    assert on == "20420520"
    lettered = [r for r in customer_lines if r["EcritureLet"] == code]
    assert [r["PieceRef"] for r in lettered] == [
        inv_paid.number,
        f"LET-1-{paid.siren}",
        f"LET-2-{paid.siren}",
    ]
    assert letters(partly.siren) == {("", "")}, "partly paid: not lettered"
    [(other, _)] = letters(credited.siren)
    assert other
    assert other != code


async def test_f7_concurrent_facts_get_numbers_without_gap_in_each_journal(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2043, 1, 10, 9, tzinfo=UTC))
    events = [approved(year=2043) for _ in range(20)]
    await asyncio.gather(*(deliver(billing, e) for e in events))
    invoices = [await the_invoice(billing, e.siren) for e in events]
    answers = await asyncio.gather(
        *(
            client.post(
                "/payments",
                json=pay(f"C43-{i.siren}", "100.00", i.number, "2043-01-10"),
                headers=finance,
            )
            for i in invoices
        )
    )
    assert {a.status_code for a in answers} == {201}
    text = (await client.get("/exports/fec/2043", headers=finance)).text
    assert fec_problems(text, "839527660FEC20431231.txt") == []
    found = rows(text)
    for journal in ("VE", "BQ"):
        numbers = sorted({r["EcritureNum"] for r in found if r["JournalCode"] == journal})
        assert numbers == [f"{journal}{n:06d}" for n in range(1, 21)]
    assert len({r["EcritureLet"] for r in found if r["EcritureLet"]}) == 20
