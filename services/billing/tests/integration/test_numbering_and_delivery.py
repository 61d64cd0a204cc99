"""F1/F2 on the real servers: concurrent numbering, one invoice per business key, immutability."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from billing_factories import a_siren, approved, deliver, envelope_of, invoices_of, renewal
from sqlalchemy.exc import DBAPIError

from billing.service import BillingRuntime
from billing.use_cases.invoices import issue_credit_note
from shared.clock import FixedClock
from shared.contracts import MembershipApproved
from shared.testing.helpers import wait_until
from shared.testing.messaging import BrokerPeer, running_consumers

pytestmark = pytest.mark.integration


async def test_f2_200_concurrent_issues_get_numbers_1_to_200_without_gap_or_duplicate(
    billing: BillingRuntime, clock: FixedClock
) -> None:
    clock.set(datetime(2031, 2, 3, 10, tzinfo=UTC))
    events = [approved(year=2031) for _ in range(200)]
    await asyncio.gather(*(deliver(billing, e) for e in events))
    async with billing.uow() as uow:
        rows = (
            await uow.connection.execute(
                sa.text("SELECT number, sequence FROM invoices WHERE series_year = 2031")
            )
        ).all()
    assert sorted(r.sequence for r in rows) == list(range(1, 201))
    assert sorted(r.number for r in rows) == [f"FA-2031-{n:05d}" for n in range(1, 201)]


async def test_f2_issued_invoice_can_be_neither_changed_nor_deleted(
    billing: BillingRuntime, clock: FixedClock
) -> None:
    clock.set(datetime(2025, 3, 10, 9, tzinfo=UTC))
    event = approved(year=2025)
    await deliver(billing, event)
    [invoice] = await invoices_of(billing, event.siren)
    for statement in (
        "UPDATE invoices SET total = 0 WHERE id = :id",
        "DELETE FROM invoice_lines WHERE invoice_id = :id",
        "DELETE FROM invoices WHERE id = :id",
    ):
        async with billing.uow() as uow:
            with pytest.raises(DBAPIError, match="F2"):
                await uow.connection.execute(sa.text(statement), {"id": invoice.id})
    [again] = await invoices_of(billing, event.siren)
    assert again.total == invoice.total


async def test_f1_renewal_and_new_membership_are_distinct_business_keys(
    billing: BillingRuntime, clock: FixedClock
) -> None:
    clock.set(datetime(2025, 12, 1, 9, tzinfo=UTC))
    siren = a_siren()
    await deliver(billing, renewal(siren, 2026))
    await deliver(billing, renewal(siren, 2026))  # re-processed renewal: same business key
    [invoice] = await invoices_of(billing, siren)
    assert invoice.kind == "membership_renewal"
    assert invoice.year == 2026
    assert invoice.number.startswith("FA-2025-"), "numbered in the year of issue"
    assert str(invoice.due_on) == "2025-12-31"


# -- the same MembershipApproved through the real broker -------------------------------------


async def applied(billing: BillingRuntime, message_ids: list[uuid.UUID]) -> int:
    async with billing.uow() as uow:
        result = await uow.connection.execute(
            sa.text("SELECT count(*) FROM inbox WHERE message_id = ANY(:ids)"),
            {"ids": message_ids},
        )
        return int(result.scalar_one())


async def test_f1_same_membership_approved_delivered_three_times_makes_one_invoice(
    billing: BillingRuntime, clock: FixedClock
) -> None:
    clock.set(datetime(2025, 4, 2, 9, tzinfo=UTC))
    event = approved(year=2025)
    envelope = envelope_of(event)
    stats = billing.consumers.stats

    def handled() -> int:
        return stats.applied + stats.duplicates + stats.stale

    before = handled()
    async with running_consumers(billing), BrokerPeer.connect(billing.settings) as peer:
        for _ in range(3):
            await peer.publish(event, envelope)
        # then the same event again under three new message ids (a producer that re-sent it)
        resent = [await peer.publish(event, envelope_of(event)) for _ in range(3)]
        ids = [envelope.message_id] + [e.message_id for e in resent]

        async def all_handled() -> bool:
            return handled() - before >= 6 and await applied(billing, ids) == 4

        await wait_until(all_handled, within=20)
    # every one of the six deliveries was handled: four applied, two duplicates
    invoices = await invoices_of(billing, event.siren)
    assert len(invoices) == 1
    assert invoices[0].subject_id == event.membership_id
    assert invoices[0].kind == "membership_new"
    assert invoices[0].total == event.amount


async def test_f1_concurrent_deliveries_under_different_message_ids_make_one_invoice(
    billing: BillingRuntime, clock: FixedClock
) -> None:
    clock.set(datetime(2025, 4, 3, 9, tzinfo=UTC))
    event: MembershipApproved = approved(year=2025)
    results = await asyncio.gather(
        *(deliver(billing, event) for _ in range(5)), return_exceptions=True
    )
    assert all(r is None for r in results), results
    assert len(await invoices_of(billing, event.siren)) == 1


async def test_f1_business_key_holds_until_a_credit_note_cancels_the_invoice(
    billing: BillingRuntime, clock: FixedClock
) -> None:
    clock.set(datetime(2025, 4, 4, 9, tzinfo=UTC))
    first = approved(year=2025)
    await deliver(billing, first)
    # another approval of the same structure and year (another membership id): same key
    await deliver(billing, approved(first.siren, year=2025))
    [invoice] = await invoices_of(billing, first.siren)
    async with billing.transaction() as uow:
        await issue_credit_note(uow, invoice.id, amount=None, reason="Retrait", by="finance")
    await deliver(billing, first)  # the cancelled one, delivered again: still not re-issued
    assert len(await invoices_of(billing, first.siren)) == 1
    again = approved(first.siren, year=2025)  # re-applied and approved after the withdrawal
    await deliver(billing, again)
    invoices = await invoices_of(billing, first.siren)
    assert [i.subject_id for i in invoices] == [first.membership_id, again.membership_id]
