"""F2 credit notes, F6 reconciliation, F7 exports and PDF, and X3 access, over the HTTP API."""

from __future__ import annotations

import csv
import io
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from billing_factories import (
    a_siren,
    activated,
    approved,
    deliver,
    invoices_of,
    lapsed,
    outbox_events,
    renewal,
    the_invoice,
    upgrade,
)

from billing.service import BillingRuntime
from shared.auth import Role
from shared.clock import FixedClock

pytestmark = pytest.mark.integration

FEC_HEADER = (
    "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|"
    "PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise"
)


def pay(ref: str, amount: str, reference: str, on: str) -> dict[str, Any]:
    return {
        "method": "transfer",
        "amount": amount,
        "received_on": on,
        "payer_reference": reference,
        "bank_reference": ref,
    }


async def test_f2_credit_notes_have_their_own_sequence_and_cancel_in_part_or_in_full(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2035, 2, 1, 9, tzinfo=UTC))
    event = approved(year=2035, amount="150.00", plan="premium")
    await deliver(billing, event)
    invoice = await the_invoice(billing, event.siren)
    url = f"/invoices/{invoice.number}/credit-notes"
    part = await client.post(url, json={"amount": "50.00", "reason": "Remise"}, headers=finance)
    assert part.status_code == 201, part.text
    assert part.json()["number"] == "AV-2035-00001"
    assert part.json()["cancels_invoice"] is False
    for bad in ("10.001", "1e30", "-5"):
        refused = await client.post(url, json={"amount": bad, "reason": "x"}, headers=finance)
        assert refused.status_code == 422, bad
        assert refused.json()["code"] == "F2"
    too_much = await client.post(url, json={"amount": "100.01", "reason": "x"}, headers=finance)
    assert too_much.status_code == 422
    assert too_much.json()["code"] == "F2"
    rest = await client.post(url, json={"reason": "Adhésion annulée"}, headers=finance)
    assert rest.json()["number"] == "AV-2035-00002"
    assert rest.json()["amount"] == "100.00"
    assert rest.json()["cancels_invoice"] is True
    again = await client.post(url, json={"reason": "encore"}, headers=finance)
    assert again.status_code == 409
    assert again.json()["code"] == "F2"
    got = (await client.get(f"/invoices/{invoice.id}", headers=finance)).json()
    assert got["status"] == "cancelled"
    assert got["total"] == "150.00", "the invoice itself never changes"
    assert [n["number"] for n in got["credit_notes"]] == ["AV-2035-00001", "AV-2035-00002"]
    assert await outbox_events(billing, "CreditNoteIssued", "invoice_id", str(invoice.id)) == 2
    unknown = await client.post(
        f"/invoices/{uuid.uuid4()}/credit-notes", json={"reason": "x"}, headers=finance
    )
    assert unknown.status_code == 404


async def test_f2_partial_credit_then_payment_of_the_rest_is_paid_once(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2035, 2, 2, 9, tzinfo=UTC))
    event = approved(year=2035, amount="100.00")
    await deliver(billing, event)
    invoice = await the_invoice(billing, event.siren)
    r = await client.post(
        "/payments",
        json=pay(f"CN-{event.siren}", "60.00", invoice.number, "2035-02-02"),
        headers=finance,
    )
    assert r.status_code == 201
    assert await outbox_events(billing, "InvoicePaid", "invoice_id", str(invoice.id)) == 0
    await client.post(
        f"/invoices/{invoice.id}/credit-notes",
        json={"amount": "40.00", "reason": "Geste"},
        headers=finance,
    )
    got = (await client.get(f"/invoices/{invoice.id}", headers=finance)).json()
    assert got["status"] == "paid"
    assert await outbox_events(billing, "InvoicePaid", "invoice_id", str(invoice.id)) == 1


async def test_f7_fec_of_a_test_year_opens_with_the_exact_header_and_every_entry_balances(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2033, 3, 1, 9, tzinfo=UTC))
    a, b = approved(year=2033), approved(year=2033, amount="150.00", plan="premium")
    await deliver(billing, a)
    await deliver(billing, b)
    inv_a = await the_invoice(billing, a.siren)
    inv_b = await the_invoice(billing, b.siren)
    clock.set(datetime(2033, 3, 20, 9, tzinfo=UTC))
    await client.post(
        "/payments", json=pay(f"F-{a.siren}", "100.00", inv_a.number, "2033-03-15"), headers=finance
    )
    unmatched = await client.post(
        "/payments", json=pay(f"F-{b.siren}", "80.00", "CHEQUE", "2033-03-16"), headers=finance
    )
    await client.post(
        f"/payments/{unmatched.json()['id']}/allocations",
        json={"invoice_number": inv_b.number},
        headers=finance,
    )
    await client.post(
        f"/invoices/{inv_b.number}/credit-notes",
        json={"amount": "70.00", "reason": "Remise"},
        headers=finance,
    )

    r = await client.get("/exports/fec/2033", headers=finance)
    assert r.status_code == 200
    assert 'filename="839527660FEC20331231.txt"' in r.headers["content-disposition"]
    lines = r.text.splitlines()
    assert lines[0] == FEC_HEADER
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines[1:]:
        cells = line.split("|")
        assert len(cells) == 18
        assert cells[3].startswith("2033")
        assert len(cells[3]) == 8
        sums[cells[2]] += Decimal(cells[11].replace(",", ".")) - Decimal(
            cells[12].replace(",", ".")
        )
    assert len(sums) == 6, "2 invoices, 2 payments, 1 allocation by hand, 1 credit note"
    assert all(total == 0 for total in sums.values())
    assert inv_a.number in r.text
    assert inv_b.number in r.text
    assert (await client.get("/exports/fec/1800", headers=finance)).status_code == 422


async def test_f7_csv_exports_of_invoices_and_payments(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2036, 1, 5, 9, tzinfo=UTC))
    event = approved(year=2036)
    await deliver(billing, event)
    invoice = await the_invoice(billing, event.siren)
    await client.post(
        "/payments",
        json=pay(f"CSV-{event.siren}", "100.00", invoice.number, "2036-01-05"),
        headers=finance,
    )
    r = await client.get("/exports/invoices.csv?from=2036-01-01&to=2036-12-31", headers=finance)
    assert r.status_code == 200
    assert r.content.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM: a spreadsheet keeps accents"
    assert b"\r\n" in r.content
    text = r.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    [row] = [x for x in rows if x["number"] == invoice.number]
    assert (row["total"], row["paid"], row["status"]) == ("100,00", "100,00", "paid")
    assert row["issued_on"] == "05/01/2036"
    p = await client.get("/exports/payments.csv?from=2036-01-01&to=2036-12-31", headers=finance)
    [prow] = [
        x
        for x in csv.DictReader(io.StringIO(p.content.decode("utf-8-sig")), delimiter=";")
        if x["bank_reference"] == f"CSV-{event.siren}"
    ]
    assert prow["invoices"] == invoice.number
    assert prow["received_on"] == "05/01/2036"
    backwards = await client.get(
        "/exports/invoices.csv?from=2036-12-31&to=2036-01-01", headers=finance
    )
    assert backwards.status_code == 422
    assert (
        await client.get("/exports/invoices.csv?from=yesterday&to=2036-01-01", headers=finance)
    ).status_code == 422


@pytest.mark.parametrize(
    "path",
    ["/invoices/FA%00", "/invoices/" + "9" * 65, "/customers/12345678", "/customers/abc%00def"],
)
async def test_a_malformed_invoice_or_customer_in_the_path_is_a_422(
    client: httpx.AsyncClient, finance: dict[str, str], path: str
) -> None:
    r = await client.get(path, headers=finance)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"


async def test_x3_a_member_sees_only_its_own_invoices_and_nobody_else_sees_any(
    billing: BillingRuntime,
    clock: FixedClock,
    client: httpx.AsyncClient,
    token: Callable[..., dict[str, str]],
    finance: dict[str, str],
) -> None:
    clock.set(datetime(2025, 6, 2, 9, tzinfo=UTC))
    mine, theirs = approved(year=2025), approved(year=2025)
    await deliver(billing, mine)
    await deliver(billing, theirs)
    my_invoice = await the_invoice(billing, mine.siren)
    their_invoice = await the_invoice(billing, theirs.siren)
    member = token(Role.MEMBER, siren=mine.siren)

    listed = (await client.get("/invoices", headers=member)).json()
    assert [i["number"] for i in listed["items"]] == [my_invoice.number]
    assert listed["total"] == 1
    mine_only = (await client.get(f"/invoices?siren={mine.siren}", headers=member)).json()
    assert [i["number"] for i in mine_only["items"]] == [my_invoice.number]
    # another structure's: as if it did not exist (X3), not "forbidden"
    assert (await client.get(f"/invoices?siren={theirs.siren}", headers=member)).status_code == 404
    assert (await client.get(f"/invoices/{my_invoice.id}", headers=member)).status_code == 200
    assert (await client.get(f"/invoices/{their_invoice.id}", headers=member)).status_code == 404
    assert (
        await client.get(f"/invoices/{their_invoice.number}/pdf", headers=member)
    ).status_code == 404
    refused = await client.post(
        "/payments", json=pay("X3-1", "1.00", "", "2025-06-01"), headers=member
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "X3"
    assert (await client.get("/payments", headers=member)).status_code == 403
    assert (await client.get("/exports/fec/2025", headers=member)).status_code == 403

    board = token(Role.BOARD)
    assert (await client.get("/invoices", headers=board)).status_code == 403
    assert (await client.get("/invoices")).status_code == 401

    staff = token(Role.STAFF)
    everything = (
        await client.get(
            "/invoices?dues_year=2025&issued_from=2025-06-02&issued_to=2025-06-02&limit=500",
            headers=staff,
        )
    ).json()
    assert {my_invoice.number, their_invoice.number} <= {i["number"] for i in everything["items"]}
    assert (await client.get(f"/invoices/{their_invoice.number}", headers=staff)).status_code == 200
    assert (
        await client.post(
            f"/invoices/{their_invoice.id}/credit-notes", json={"reason": "x"}, headers=staff
        )
    ).status_code == 403
    kept = (await client.get(f"/customers/{mine.siren}", headers=finance)).json()
    assert kept["siret"] == mine.siren + "00017"
    assert kept["public_body"] is False
    assert (await client.get(f"/customers/{mine.siren}", headers=member)).status_code == 200
    assert (await client.get(f"/customers/{theirs.siren}", headers=member)).status_code == 404


async def test_f6_reconciliation_adds_up_and_shows_every_mismatch(
    billing: BillingRuntime,
    clock: FixedClock,
    client: httpx.AsyncClient,
    finance: dict[str, str],
    token: Callable[..., dict[str, str]],
) -> None:
    clock.set(datetime(2034, 1, 10, 9, tzinfo=UTC))
    ok, unpaid_active, paid_inactive = approved(year=2034), approved(year=2034), approved(year=2034)
    twice = a_siren()
    for event in (ok, unpaid_active, paid_inactive):
        await deliver(billing, event)
    await deliver(billing, approved(twice, year=2034))
    await deliver(billing, renewal(twice, 2034))
    await deliver(billing, upgrade(ok.siren, 2034, ok.membership_id))
    for event in (ok, paid_inactive):
        [dues] = [i for i in await invoices_of(billing, event.siren) if i.kind == "membership_new"]
        r = await client.post(
            "/payments",
            json=pay(f"R-{event.siren}", "100.00", dues.number, "2034-01-10"),
            headers=finance,
        )
        assert r.status_code == 201
    await deliver(billing, activated(ok.membership_id, ok.siren, 2034))
    await deliver(billing, activated(unpaid_active.membership_id, unpaid_active.siren, 2034))
    # activated then lapsed without a paid invoice: no longer active, not a mismatch
    lapsed_one = approved(year=2034)
    await deliver(billing, lapsed_one)
    await deliver(billing, activated(lapsed_one.membership_id, lapsed_one.siren, 2034))
    await deliver(billing, lapsed(lapsed_one.membership_id, lapsed_one.siren, 2034))
    await deliver(billing, lapsed(lapsed_one.membership_id, lapsed_one.siren, 2034))
    await client.post(
        "/payments", json=pay(f"R-none-{ok.siren}", "12.00", "DON", "2034-01-10"), headers=finance
    )

    clock.set(datetime(2034, 1, 12, 9, tzinfo=UTC))  # two days later: beyond the delay
    r = await client.get("/reconciliation?from=2034-01-01&to=2034-12-31", headers=finance)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["consistent"] is True
    totals = {k: Decimal(v) for k, v in report["totals"].items()}
    assert (
        totals["issued"]
        == totals["credited"] + totals["paid"] + totals["outstanding"] - totals["overpaid"]
    )
    assert totals["received"] == totals["allocated"] + totals["unallocated"]
    assert report["invoices"]["paid"]["count"] >= 2
    assert any(p["bank_reference"] == f"R-none-{ok.siren}" for p in report["unmatched_payments"])
    mine = {(m["kind"], m["siren"]) for m in report["mismatches"]}
    assert ("active_without_paid_dues", unpaid_active.siren) in mine
    assert ("paid_without_activation", paid_inactive.siren) in mine
    assert ("dues_invoiced_twice", twice) in mine
    assert not {m for m in mine if m[1] == ok.siren}, "paid and activated: no mismatch"
    assert not {m for m in mine if m[1] == lapsed_one.siren}, "lapsed: not active any more"
    assert (
        await client.get("/reconciliation?from=2034-02-01&to=2034-01-01", headers=finance)
    ).status_code == 422
    staff = token(Role.STAFF)
    assert (
        await client.get("/reconciliation?from=2034-01-01&to=2034-01-31", headers=staff)
    ).status_code == 200
