"""X2: billing's events carry their aggregate's version from the database, and billing's own
membership projection keeps the newest fact whatever order the events arrive in."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import httpx
import pytest
import sqlalchemy as sa
from billing_factories import activated, approved, deliver, lapsed, outbox_envelopes, the_invoice

from billing.scheduler import run_overdue
from billing.service import BillingRuntime
from shared.clock import FixedClock
from shared.messaging.outbox import AggregateRef, build_envelope
from shared.testing.helpers import wait_until
from shared.testing.messaging import BrokerPeer, running_consumers

pytestmark = pytest.mark.integration


async def version_of(billing: BillingRuntime, table: str, key: str, value: UUID) -> int:
    async with billing.uow() as uow:
        result = await uow.connection.execute(
            sa.text(f"SELECT version FROM {table} WHERE {key} = :v"), {"v": value}
        )
        return int(result.scalar_one())


async def test_f2_f5_invoice_events_carry_the_invoice_version_in_the_order_of_its_changes(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2039, 1, 5, 9, tzinfo=UTC))
    event = approved(year=2039)
    await deliver(billing, event)
    invoice = await the_invoice(billing, event.siren)
    key = ("invoice_id", str(invoice.id))
    [issued] = await outbox_envelopes(billing, "InvoiceIssued", *key)
    assert (issued.aggregate_id, issued.aggregate_version) == (str(invoice.id), 1)

    paid_part = await client.post(
        "/payments",
        json={
            "method": "cheque",
            "amount": "60.00",
            "received_on": "2039-01-05",
            "payer_reference": invoice.number,
            "bank_reference": f"EV-{event.siren}",
        },
        headers=finance,
    )
    assert paid_part.status_code == 201
    credit = await client.post(
        f"/invoices/{invoice.number}/credit-notes",
        json={"amount": "40.00", "reason": "Remise"},
        headers=finance,
    )
    assert credit.status_code == 201
    [credited] = await outbox_envelopes(billing, "CreditNoteIssued", *key)
    [paid] = await outbox_envelopes(billing, "InvoicePaid", *key)
    assert credited.aggregate_id == paid.aggregate_id == str(invoice.id)
    # issued (1), the payment allocated (2), the credit (3), then paid by it (4)
    assert (credited.aggregate_version, paid.aggregate_version) == (3, 4)
    assert await version_of(billing, "invoice_state", "invoice_id", invoice.id) == 4

    [recorded] = await outbox_envelopes(
        billing, "PaymentRecorded", "payment_id", paid_part.json()["id"]
    )
    assert recorded.aggregate_id == paid_part.json()["id"]
    assert recorded.aggregate_version == 2, "recorded (1), allocated (2)"


async def test_f4_invoice_overdue_carries_the_version_its_mark_leaves(
    billing: BillingRuntime, clock: FixedClock
) -> None:
    clock.set(datetime(2039, 2, 1, 9, tzinfo=UTC))
    event = approved(year=2039)
    await deliver(billing, event)
    invoice = await the_invoice(billing, event.siren)
    await run_overdue(billing, date(2039, 3, 4))
    [overdue] = await outbox_envelopes(billing, "InvoiceOverdue", "invoice_id", str(invoice.id))
    assert (overdue.aggregate_id, overdue.aggregate_version) == (str(invoice.id), 2)
    assert (await the_invoice(billing, event.siren)).version == 2


async def membership_row(billing: BillingRuntime, membership_id: UUID) -> dict[str, Any] | None:
    async with billing.uow() as uow:
        row = (
            await uow.connection.execute(
                sa.text(
                    "SELECT plan, activated_at, lapsed_on, lapse_reason, invoice_id"
                    " FROM memberships WHERE membership_id = :id"
                ),
                {"id": membership_id},
            )
        ).first()
        return dict(row._mapping) if row else None


async def test_f6_membership_projection_is_the_same_whatever_order_the_events_come_in(
    billing: BillingRuntime, clock: FixedClock
) -> None:
    clock.set(datetime(2039, 3, 1, 9, tzinfo=UTC))
    rows = []
    for order in ("as_published", "reversed"):
        event = approved(year=2039)
        m, siren = event.membership_id, event.siren
        simple = activated(m, siren, 2039).model_copy(update={"invoice_id": UUID(int=1)})
        premium = activated(m, siren, 2039, plan="premium").model_copy(
            update={"activated_at": datetime(2039, 6, 1, tzinfo=UTC), "invoice_id": UUID(int=2)}
        )
        first_lapse = lapsed(m, siren, 2039).model_copy(
            update={"lapsed_on": date(2040, 1, 1), "reason": "not_renewed"}
        )
        second_lapse = lapsed(m, siren, 2039)  # 16 February, renewal unpaid
        events = [simple, premium, first_lapse, second_lapse]
        for one in events if order == "as_published" else reversed(events):
            await deliver(billing, one)
        rows.append(await membership_row(billing, m))
    assert rows[0] == rows[1]
    assert rows[0] == {
        "plan": "premium",
        "activated_at": datetime(2039, 6, 1, tzinfo=UTC),
        "lapsed_on": date(2040, 2, 16),
        "lapse_reason": "renewal_unpaid",
        "invoice_id": UUID(int=2),
    }


async def test_f6_an_activation_older_than_the_lapse_applied_is_dropped_as_stale(
    billing: BillingRuntime, clock: FixedClock
) -> None:
    clock.set(datetime(2039, 4, 1, 9, tzinfo=UTC))
    event = approved(year=2039)
    m, siren = event.membership_id, event.siren
    stats = billing.consumers.stats
    before = (stats.applied, stats.stale)
    lapse = lapsed(m, siren, 2039)
    late_activation = activated(m, siren, 2039, plan="premium")
    async with running_consumers(billing), BrokerPeer.connect(billing.settings) as peer:
        await peer.publish(lapse, build_envelope(lapse, aggregate=AggregateRef.of(m, 3)))

        async def lapse_applied() -> bool:
            return await membership_row(billing, m) is not None

        await wait_until(lapse_applied, within=20)
        await peer.publish(
            late_activation, build_envelope(late_activation, aggregate=AggregateRef.of(m, 2))
        )

        async def dropped() -> bool:
            return stats.stale > before[1]

        await wait_until(dropped, within=20)
    row = await membership_row(billing, m)
    assert row is not None
    assert row["activated_at"] is None, "the older activation was not applied"
    assert row["lapsed_on"] == date(2040, 2, 16)
    assert (stats.applied - before[0], stats.stale - before[1]) == (1, 1)
