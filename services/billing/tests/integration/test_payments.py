"""F4/F5 on the real servers: payments once per bank reference, InvoicePaid once, overdue."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from billing_factories import approved, deliver, invoices_of, outbox_events, the_invoice, upgrade

from billing.scheduler import run_overdue
from billing.service import BillingRuntime
from shared.clock import FixedClock
from shared.contracts import InvoicePaid
from shared.testing.helpers import wait_until
from shared.testing.messaging import BrokerPeer, received, running_relay

pytestmark = pytest.mark.integration


def payment(bank_reference: str, amount: str, reference: str = "", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "method": "transfer",
        "amount": amount,
        "received_on": "2025-05-05",
        "payer_reference": reference,
        "bank_reference": bank_reference,
    }
    body.update(extra)
    return body


async def outbox_published(billing: BillingRuntime) -> bool:
    async with billing.uow() as uow:
        left = await uow.connection.execute(
            sa.text("SELECT count(*) FROM outbox WHERE published_at IS NULL")
        )
        return int(left.scalar_one()) == 0


async def test_f4_same_bank_reference_twice_pays_once_and_f5_invoice_paid_goes_out_once(
    billing: BillingRuntime,
    clock: FixedClock,
    client: httpx.AsyncClient,
    finance: dict[str, str],
) -> None:
    clock.set(datetime(2025, 5, 5, 9, tzinfo=UTC))
    event = approved(year=2025, amount="100.00")
    await deliver(billing, event)
    invoice = await the_invoice(billing, event.siren)
    body = payment(f"VIR-{event.siren}", "100.00", f"Cotisation {invoice.number}")

    async with BrokerPeer.connect(billing.settings) as peer, running_relay(billing):
        # what earlier tests left in the outbox goes out first: the next InvoicePaid is ours
        await wait_until(lambda: outbox_published(billing), within=30)
        paid_queue = await peer.listen(InvoicePaid.routing_key())
        first = await client.post("/payments", json=body, headers=finance)
        second = await client.post("/payments", json=body, headers=finance)
        assert first.status_code == 201, first.text
        assert second.status_code == 200, second.text
        assert second.json()["duplicate"] is True
        assert second.json()["id"] == first.json()["id"]
        assert first.json()["status"] == "matched"

        # an overpayment afterwards is kept, and does not make the invoice "paid" again
        extra = await client.post(
            "/payments",
            json=payment(f"VIR2-{event.siren}", "5.00", invoice.number),
            headers=finance,
        )
        assert extra.status_code == 201

        got = (await client.get(f"/invoices/{invoice.number}", headers=finance)).json()
        assert got["paid"] == "105.00"
        assert got["overpaid"] == "5.00"
        assert got["status"] == "paid"
        assert got["paid_on"] == "2025-05-05"
        [paid] = await received(paid_queue)
    assert paid.payload["subject_id"] == str(event.membership_id)
    assert paid.payload["kind"] == "membership_new"
    assert paid.payload["year"] == 2025
    assert paid.aggregate_id == str(invoice.id)
    # issued (1), the payment allocated (2), the paid mark (3); the overpayment came after (4)
    assert paid.aggregate_version == 3
    assert (await the_invoice(billing, event.siren)).version == 4
    assert await outbox_events(billing, "InvoicePaid", "invoice_id", str(invoice.id)) == 1
    assert await outbox_events(billing, "PaymentRecorded", "invoice_id", str(invoice.id)) == 2


async def test_f4_partial_payments_add_up_then_f5_paid_once(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2025, 5, 6, 9, tzinfo=UTC))
    event = approved(year=2025, amount="150.00", plan="premium")
    await deliver(billing, event)
    invoice = await the_invoice(billing, event.siren)
    r = await client.post(
        "/payments", json=payment(f"P1-{event.siren}", "40.00", invoice.number), headers=finance
    )
    assert r.status_code == 201
    got = (await client.get(f"/invoices/{invoice.id}", headers=finance)).json()
    assert (got["status"], got["outstanding"]) == ("partly_paid", "110.00")
    assert await outbox_events(billing, "InvoicePaid", "invoice_id", str(invoice.id)) == 0
    r = await client.post(
        "/payments", json=payment(f"P2-{event.siren}", "110.00", invoice.number), headers=finance
    )
    got = (await client.get(f"/invoices/{invoice.id}", headers=finance)).json()
    assert (got["status"], got["outstanding"]) == ("paid", "0.00")
    assert await outbox_events(billing, "InvoicePaid", "invoice_id", str(invoice.id)) == 1


async def test_f4_unmatched_payment_waits_in_the_queue_then_is_allocated_by_hand(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2025, 5, 7, 9, tzinfo=UTC))
    event = approved(year=2025)
    await deliver(billing, event)
    invoice = await the_invoice(billing, event.siren)
    r = await client.post(
        "/payments",
        json=payment(f"U-{event.siren}", "100.00", "ADHESION MISSION LOCALE", method="cheque"),
        headers=finance,
    )
    assert r.status_code == 201
    assert r.json()["status"] == "unmatched"
    payment_id = r.json()["id"]
    unmatched = "/payments?matched=false&received_from=2025-05-05&received_to=2025-05-05&limit=500"
    queue = (await client.get(unmatched, headers=finance)).json()["items"]
    assert payment_id in [p["id"] for p in queue]

    too_much = await client.post(
        f"/payments/{payment_id}/allocations",
        json={"invoice_number": invoice.number, "amount": "100.01"},
        headers=finance,
    )
    assert too_much.status_code == 409
    assert too_much.json()["code"] == "F4"
    unknown = await client.post(
        f"/payments/{payment_id}/allocations",
        json={"invoice_number": "FA-1999-99999"},
        headers=finance,
    )
    assert unknown.status_code == 404
    done = await client.post(
        f"/payments/{payment_id}/allocations",
        json={"invoice_number": invoice.number},
        headers=finance,
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "matched"
    queue = (await client.get(unmatched, headers=finance)).json()["items"]
    assert payment_id not in [p["id"] for p in queue]
    got = (await client.get(f"/invoices/{invoice.id}", headers=finance)).json()
    assert got["status"] == "paid"
    assert await outbox_events(billing, "InvoicePaid", "invoice_id", str(invoice.id)) == 1


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"amount": "-10.00"}, 422, "F4"),
        ({"amount": "0"}, 422, "F4"),
        ({"amount": "10.001"}, 422, "F4"),
        ({"method": "cash"}, 422, "F4"),
        ({"received_on": "2025-02-30"}, 422, "validation"),
        ({"received_on": "2099-01-01"}, 422, "F4"),
        ({"received_on": "1900-01-01"}, 422, "F4"),
        ({"received_on": "2024-12-31"}, 422, "F4"),
        ({"invoice_number": "FA-1999-99999"}, 404, "not_found"),
        ({"bank_reference": ""}, 422, "validation"),
        ({"amount": "abc"}, 422, "validation"),
        ({"amount": "1e30"}, 422, "F4"),
        ({"amount": "NaN"}, 422, "validation"),
        ({"payer_reference": "FA\u0000"}, 422, "validation"),
        ({"received_on": None}, 422, "validation"),
    ],
)
async def test_f4_bad_payments_are_refused_with_a_problem(
    client: httpx.AsyncClient,
    finance: dict[str, str],
    clock: FixedClock,
    change: dict[str, Any],
    status: int,
    code: str,
) -> None:
    clock.set(datetime(2025, 5, 8, 9, tzinfo=UTC))
    body = payment(f"BAD-{code}-{status}-{sorted(change)}", "10.00")
    body.update(change)
    r = await client.post("/payments", json=body, headers=finance)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == code


async def test_f4_same_bank_reference_with_another_amount_is_a_conflict(
    client: httpx.AsyncClient, finance: dict[str, str], clock: FixedClock
) -> None:
    clock.set(datetime(2025, 5, 8, 9, tzinfo=UTC))
    assert (
        await client.post("/payments", json=payment("CONFLICT-1", "10.00"), headers=finance)
    ).status_code == 201
    r = await client.post("/payments", json=payment("CONFLICT-1", "11.00"), headers=finance)
    assert r.status_code == 409
    assert r.json()["code"] == "F4"


async def test_f4_csv_bank_export_import_is_idempotent(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2025, 5, 9, 9, tzinfo=UTC))
    event = approved(year=2025)
    await deliver(billing, event)
    invoice = await the_invoice(billing, event.siren)
    s = event.siren
    csv_text = (
        "date;montant;libellé;référence;mode\n"
        f"08/05/2025;100,00;VIR {invoice.number};CSV-{s}-1;virement\n"
        f"08/05/2025;35,50;VIR INCONNU;CSV-{s}-2;virement\n"
        f"08/05/2025;-4,00;FRAIS;CSV-{s}-3;\n"
    )
    headers = {**finance, "content-type": "text/csv"}
    first = await client.post("/payments/import", content=csv_text.encode(), headers=headers)
    assert first.status_code == 200, first.text
    assert first.json()["recorded"] == 2
    assert [u["bank_reference"] for u in first.json()["unmatched"]] == [f"CSV-{s}-2"]
    assert len(first.json()["skipped"]) == 1
    again = await client.post("/payments/import", content=csv_text.encode(), headers=headers)
    assert again.json()["recorded"] == 0
    assert sorted(d["bank_reference"] for d in again.json()["duplicates"]) == [
        f"CSV-{s}-1",
        f"CSV-{s}-2",
    ]
    got = (await client.get(f"/invoices/{invoice.id}", headers=finance)).json()
    assert got["paid"] == "100.00"
    assert await outbox_events(billing, "InvoicePaid", "invoice_id", str(invoice.id)) == 1

    bad = await client.post(
        "/payments/import", content=b"date;amount\n2025-01-01;10\n", headers=headers
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "validation"
    assert "header" in bad.json()["detail"]


async def test_f4_overdue_run_by_endpoint_and_command_marks_each_invoice_once(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2032, 1, 10, 9, tzinfo=UTC))
    late, paid = approved(year=2032), approved(year=2032)
    await deliver(billing, late)
    await deliver(billing, paid)
    late_invoice = await the_invoice(billing, late.siren)
    paid_invoice = await the_invoice(billing, paid.siren)
    assert str(late_invoice.due_on) == "2032-02-09"
    r = await client.post(
        "/payments",
        json=payment(f"OD-{paid.siren}", "100.00", paid_invoice.number, received_on="2032-01-10"),
        headers=finance,
    )
    assert r.status_code == 201

    clock.set(datetime(2032, 2, 9, 18, tzinfo=UTC))
    on_due_date = await client.post("/overdue/run?as_of=2032-02-09", headers=finance)
    assert on_due_date.status_code == 200
    assert (await the_invoice(billing, late.siren)).overdue_on is None

    clock.set(datetime(2032, 2, 11, 9, tzinfo=UTC))
    day_after = await client.post("/overdue/run?as_of=2032-02-10", headers=finance)
    assert day_after.json()["marked"] >= 1
    assert str((await the_invoice(billing, late.siren)).overdue_on) == "2032-02-10"
    assert (await client.post("/overdue/run?as_of=2032-02-11", headers=finance)).json()[
        "marked"
    ] == 0

    env = {**os.environ, "BILLING_DATABASE_URL": billing.settings.database_url, "LOG_JSON": "false"}
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "billing", "overdue", "--date", "2032-03-01"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "marked overdue as of 2032-03-01" in done.stdout
    bad = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "billing", "overdue", "--date", "2032-13-01"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2

    assert await outbox_events(billing, "InvoiceOverdue", "invoice_id", str(late_invoice.id)) == 1
    assert await outbox_events(billing, "InvoiceOverdue", "invoice_id", str(paid_invoice.id)) == 0
    got = (await client.get(f"/invoices/{late_invoice.id}", headers=finance)).json()
    assert got["status"] == "overdue"
    assert (await client.post("/overdue/run?as_of=2032-99-01", headers=finance)).status_code == 422
    # marking is final and published: not for a day that has not come yet
    ahead = await client.post("/overdue/run?as_of=2032-02-12", headers=finance)
    assert ahead.status_code == 422
    assert ahead.headers["content-type"] == "application/problem+json"


async def test_f4_same_payment_posted_concurrently_is_recorded_once(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2025, 5, 10, 9, tzinfo=UTC))
    event = approved(year=2025)
    await deliver(billing, event)
    invoice = await the_invoice(billing, event.siren)
    body = payment(f"CONC-{event.siren}", "100.00", invoice.number)
    answers = await asyncio.gather(
        *(client.post("/payments", json=body, headers=finance) for _ in range(6))
    )
    assert sorted(a.status_code for a in answers) == [200] * 5 + [201]
    assert len({a.json()["id"] for a in answers}) == 1
    got = (await client.get(f"/invoices/{invoice.id}", headers=finance)).json()
    assert got["paid"] == "100.00"
    assert await outbox_events(billing, "InvoicePaid", "invoice_id", str(invoice.id)) == 1


async def test_f4_concurrent_overdue_runs_mark_each_invoice_once(
    billing: BillingRuntime, clock: FixedClock
) -> None:
    clock.set(datetime(2037, 1, 5, 9, tzinfo=UTC))
    events = [approved(year=2037) for _ in range(30)]
    for event in events:
        await deliver(billing, event)
    counts = await asyncio.gather(*(run_overdue(billing, date(2037, 3, 1)) for _ in range(4)))
    assert sum(counts) >= 30
    for event in events:
        invoice = await the_invoice(billing, event.siren)
        assert await outbox_events(billing, "InvoiceOverdue", "invoice_id", str(invoice.id)) == 1


async def test_f5_paid_upgrade_names_the_upgrade_as_subject(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2025, 6, 10, 9, tzinfo=UTC))
    event = approved(year=2025)
    await deliver(billing, event)
    up = upgrade(event.siren, 2025, event.membership_id)
    await deliver(billing, up)
    await deliver(billing, up)
    [invoice] = [i for i in await invoices_of(billing, event.siren) if i.kind == "plan_upgrade"]
    assert invoice.subject_id == up.upgrade_id
    assert invoice.membership_id == event.membership_id
    assert invoice.total == Decimal("50.00")
    r = await client.post(
        "/payments",
        json=payment(
            f"UP-{event.siren}", "50.00", f"Passage premium {invoice.number}", method="card"
        ),
        headers=finance,
    )
    assert r.status_code == 201
    async with billing.uow() as uow:
        row = (
            await uow.connection.execute(
                sa.text(
                    "SELECT payload->'payload' AS p FROM outbox WHERE event_type = 'InvoicePaid' "
                    "AND payload->'payload'->>'invoice_id' = :id"
                ),
                {"id": str(invoice.id)},
            )
        ).one()
    assert row.p["kind"] == "plan_upgrade"
    assert row.p["subject_id"] == str(up.upgrade_id)
    assert row.p["total"] == "50.00"
