"""F2, F4 on the real servers: a request that creates money, retried with the same
Idempotency-Key, is answered as the first time and creates nothing more."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from billing_factories import approved, deliver, outbox_events, the_invoice

from billing.service import BillingRuntime
from shared.clock import FixedClock

pytestmark = pytest.mark.integration


def keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


async def test_f2_a_retried_credit_note_with_the_same_key_creates_one_credit_note(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2025, 8, 1, 9, tzinfo=UTC))
    event = approved(year=2025, amount="150.00", plan="premium")
    await deliver(billing, event)
    invoice = await the_invoice(billing, event.siren)
    url = f"/invoices/{invoice.number}/credit-notes"
    body = {"amount": "50.00", "reason": "Remise"}
    key = str(uuid.uuid4())
    first = await client.post(url, json=body, headers=keyed(finance, key))
    assert first.status_code == 201, first.text
    retried = await client.post(url, json=body, headers=keyed(finance, key))
    assert retried.status_code == 201
    assert retried.json() == first.json()
    assert retried.headers["idempotent-replayed"] == "true"
    # retried at once by several clients: still one credit note
    key2 = str(uuid.uuid4())
    answers = await asyncio.gather(
        *(client.post(url, json=body, headers=keyed(finance, key2)) for _ in range(5))
    )
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["number"] for a in answers}) == 1
    got = (await client.get(f"/invoices/{invoice.id}", headers=finance)).json()
    assert got["credited"] == "100.00", "two keys, two credit notes, however many retries"
    assert len(got["credit_notes"]) == 2
    assert await outbox_events(billing, "CreditNoteIssued", "invoice_id", str(invoice.id)) == 2

    reused = await client.post(
        url, json={"amount": "10.00", "reason": "Remise"}, headers=keyed(finance, key)
    )
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    elsewhere = await client.post(
        "/payments",
        json={
            "method": "transfer",
            "amount": "10.00",
            "received_on": "2025-08-01",
            "bank_reference": f"IDEM-{event.siren}",
        },
        headers=keyed(finance, key),
    )
    assert elsewhere.json()["code"] == "idempotency_key_reused"


async def test_f4_a_retried_payment_or_allocation_with_the_same_key_changes_nothing(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2025, 8, 2, 9, tzinfo=UTC))
    event = approved(year=2025)
    await deliver(billing, event)
    invoice = await the_invoice(billing, event.siren)
    body: dict[str, Any] = {
        "method": "cheque",
        "amount": "100.00",
        "received_on": "2025-08-02",
        "payer_reference": "CHEQUE",
        "bank_reference": f"IDEM-CHQ-{event.siren}",
    }
    key = str(uuid.uuid4())
    first = await client.post("/payments", json=body, headers=keyed(finance, key))
    assert first.status_code == 201
    again = await client.post("/payments", json=body, headers=keyed(finance, key))
    assert (again.status_code, again.json()) == (201, first.json())
    allocation = {"invoice_number": invoice.number, "amount": "60.00"}
    url = f"/payments/{first.json()['id']}/allocations"
    akey = str(uuid.uuid4())
    done = await client.post(url, json=allocation, headers=keyed(finance, akey))
    assert done.status_code == 200, done.text
    twice = await client.post(url, json=allocation, headers=keyed(finance, akey))
    assert twice.json() == done.json()
    got = (await client.get(f"/invoices/{invoice.id}", headers=finance)).json()
    assert got["paid"] == "60.00", "allocated once"
    # without a key, the same allocation is a new one (the rest of the payment)
    other = await client.post(url, json={"invoice_number": invoice.number}, headers=finance)
    assert other.json()["unallocated"] == "0.00"
    bad = await client.post("/payments", json=body, headers=keyed(finance, "has space"))
    assert (bad.status_code, bad.json()["code"]) == (422, "validation")
