"""F4, F6: the lists finance reads, paged, with filters that say what they filter."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from billing_factories import a_siren, approved, customer, deliver, invoices_of, upgrade

from billing.service import BillingRuntime
from shared.clock import FixedClock

pytestmark = pytest.mark.integration


def pay(bank_reference: str, amount: str, reference: str, on: str) -> dict[str, Any]:
    return {
        "method": "transfer",
        "amount": amount,
        "received_on": on,
        "payer_reference": reference,
        "bank_reference": bank_reference,
    }


async def numbers(client: httpx.AsyncClient, query: str, headers: dict[str, str]) -> list[str]:
    r = await client.get(f"/invoices?{query}&limit=500", headers=headers)
    assert r.status_code == 200, r.text
    return [i["number"] for i in r.json()["items"]]


async def test_f6_invoices_filter_on_status_period_dues_year_and_kind_and_page(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    # due on 2037-12-31: overdue by the day of the lists
    clock.set(datetime(2037, 12, 1, 9, tzinfo=UTC))
    late = approved(year=2038)
    await deliver(billing, late)
    clock.set(datetime(2038, 1, 10, 9, tzinfo=UTC))
    unpaid, partly, paid, cancelled = (approved(year=2038) for _ in range(4))
    for event in (unpaid, partly, paid, cancelled):
        await deliver(billing, event)
    up = upgrade(unpaid.siren, 2038, unpaid.membership_id)
    await deliver(billing, up)
    invoice: dict[str, str] = {}
    for name, event in (
        ("late", late),
        ("unpaid", unpaid),
        ("partly", partly),
        ("paid", paid),
        ("cancelled", cancelled),
    ):
        [dues] = [i for i in await invoices_of(billing, event.siren) if i.kind == "membership_new"]
        invoice[name] = dues.number
    [upgrade_invoice] = [
        i for i in await invoices_of(billing, unpaid.siren) if i.kind == "plan_upgrade"
    ]
    invoice["upgrade"] = upgrade_invoice.number
    for ref, amount, name in (("L-40", "40.00", "partly"), ("L-100", "100.00", "paid")):
        r = await client.post(
            "/payments",
            json=pay(f"{ref}-{partly.siren}", amount, invoice[name], "2038-01-10"),
            headers=finance,
        )
        assert r.status_code == 201, r.text
    r = await client.post(
        f"/invoices/{invoice['cancelled']}/credit-notes",
        json={"reason": "Retrait"},
        headers=finance,
    )
    assert r.status_code == 201

    clock.set(datetime(2038, 1, 20, 9, tzinfo=UTC))
    expected = {
        "unpaid": {invoice["unpaid"], invoice["upgrade"]},
        "partly_paid": {invoice["partly"]},
        "paid": {invoice["paid"]},
        "cancelled": {invoice["cancelled"]},
        "overdue": {invoice["late"]},
    }
    for status, wanted in expected.items():
        r = await client.get(f"/invoices?dues_year=2038&status={status}", headers=finance)
        assert {i["number"] for i in r.json()["items"]} == wanted, status
        assert {i["status"] for i in r.json()["items"]} == {status}, "as each invoice reads"
    everything = await numbers(client, "dues_year=2038", finance)
    assert sorted(everything) == everything == sorted(invoice.values()), "in number order"
    assert await numbers(client, "dues_year=2038&kind=plan_upgrade", finance) == [
        invoice["upgrade"]
    ]
    assert await numbers(client, "dues_year=2038&issued_to=2037-12-31", finance) == [
        invoice["late"]
    ]
    assert invoice["late"] not in await numbers(
        client, "dues_year=2038&issued_from=2038-01-01&issued_to=2038-01-10", finance
    )
    assert set(await numbers(client, f"siren={unpaid.siren}", finance)) == {
        invoice["unpaid"],
        invoice["upgrade"],
    }
    assert await numbers(client, "dues_year=2100", finance) == []

    first = (await client.get("/invoices?dues_year=2038&limit=4", headers=finance)).json()
    assert (first["total"], first["limit"], first["offset"]) == (6, 4, 0)
    assert [i["number"] for i in first["items"]] == everything[:4]
    rest = (await client.get("/invoices?dues_year=2038&limit=4&offset=4", headers=finance)).json()
    assert [i["number"] for i in rest["items"]] == everything[4:]
    beyond = (await client.get("/invoices?dues_year=2038&offset=10", headers=finance)).json()
    assert (beyond["items"], beyond["total"]) == ([], 6)


async def test_f4_payments_filter_on_matched_and_received_period(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2038, 3, 10, 9, tzinfo=UTC))
    event = approved(year=2038)
    await deliver(billing, event)
    [invoice] = [i for i in await invoices_of(billing, event.siren) if i.year == 2038]
    other = approved(year=2038)
    await deliver(billing, other)
    [other_invoice] = await invoices_of(billing, other.siren)
    s = event.siren
    for ref, amount, reference in (
        (f"M-{s}", "100.00", invoice.number),
        (f"P-{s}", "150.00", other_invoice.number),  # overpaid: allocated in full
        (f"N-{s}", "30.00", "SANS REFERENCE"),
    ):
        r = await client.post(
            "/payments", json=pay(ref, amount, reference, "2038-03-09"), headers=finance
        )
        assert r.status_code == 201, r.text
    await client.post(
        "/payments", json=pay(f"O-{s}", "5.00", "AUTRE JOUR", "2038-03-08"), headers=finance
    )
    day = "received_from=2038-03-09&received_to=2038-03-09&limit=500"

    async def references(query: str) -> list[str]:
        r = await client.get(f"/payments?{query}", headers=finance)
        assert r.status_code == 200, r.text
        return [p["bank_reference"] for p in r.json()["items"]]

    assert await references(day) == sorted([f"M-{s}", f"N-{s}", f"P-{s}"])
    assert await references(f"{day}&matched=true") == [f"M-{s}", f"P-{s}"]
    assert await references(f"{day}&matched=false") == [f"N-{s}"]
    assert f"O-{s}" in await references("received_from=2038-03-08&received_to=2038-03-08")
    backwards = await client.get(
        "/payments?received_from=2038-03-09&received_to=2038-03-08", headers=finance
    )
    assert backwards.status_code == 422


async def test_f1_f8_customers_filter_on_name_siren_and_public_body(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2038, 4, 1, 9, tzinfo=UTC))
    siren = a_siren()
    lycee = approved(year=2038).model_copy(
        update={
            "customer": customer(siren, public_body=True).model_copy(
                update={"legal_name": f"Lycée des métiers {siren}"}
            ),
            "siren": siren,
        }
    )
    private = approved(year=2038)
    await deliver(billing, lycee)
    await deliver(billing, private)

    async def sirens(query: str) -> list[str]:
        r = await client.get(f"/customers?{query}", headers=finance)
        assert r.status_code == 200, r.text
        return [c["siren"] for c in r.json()["items"]]

    assert await sirens(f"name=LYCÉE DES MÉTIERS {siren}") == [siren], "any case"
    assert await sirens(f"name={siren}&public_body=true") == [siren]
    assert await sirens(f"name={siren}&public_body=false") == []
    assert await sirens(f"siren={private.siren}") == [private.siren]
    assert await sirens(f"siren={private.siren}&public_body=true") == []
    assert await sirens("name=%25") == [], "a % in the name is a character, not a wildcard"
    [found] = (await client.get(f"/customers?siren={siren}", headers=finance)).json()["items"]
    assert found["public_body"] is True
    assert found["legal_name"] == f"Lycée des métiers {siren}"
