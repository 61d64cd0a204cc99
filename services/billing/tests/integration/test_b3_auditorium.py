"""B3, F1, F6 on the real servers: booking's auditorium events through the real broker become
one invoice line per date, a credit note for a date cancelled before its day, nothing more on
redelivery; the reconciliation finds every date invoiced once."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import pytest
import sqlalchemy as sa
from billing_factories import (
    a_siren,
    approved,
    auditorium_booked,
    booking_cancelled,
    deliver,
    envelope_of,
    invoices_of,
)

from billing.repositories.records import CreditNoteFilter
from billing.service import BillingRuntime
from shared.clock import FixedClock
from shared.testing.helpers import wait_until
from shared.testing.messaging import BrokerPeer, running_consumers

pytestmark = pytest.mark.integration
D = Decimal


async def applied(billing: BillingRuntime, message_ids: list[uuid.UUID]) -> int:
    async with billing.uow() as uow:
        result = await uow.connection.execute(
            sa.text("SELECT count(*) FROM inbox WHERE message_id = ANY(:ids)"),
            {"ids": message_ids},
        )
        return int(result.scalar_one())


async def credit_notes_of(billing: BillingRuntime, siren: str) -> list[D]:
    async with billing.uow() as uow:
        notes = await uow.invoices.list_credit_notes(CreditNoteFilter(siren=siren))
    return [n.amount for n in notes]


def auditorium_mismatches(report: dict[str, object], siren: str) -> list[dict[str, str]]:
    found = report["mismatches"]
    assert isinstance(found, list)
    return [m for m in found if m["siren"] == siren and m["kind"].startswith("auditorium")]


async def test_b3_two_dates_invoiced_one_cancelled_in_time_credited_redelivery_changes_nothing(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2045, 1, 5, 9, tzinfo=UTC))
    member = approved(year=2045, amount="150.00", plan="premium")
    await deliver(billing, member)  # billing knows the structure from its membership
    first = auditorium_booked(member.siren, date(2045, 3, 12))
    second = auditorium_booked(member.siren, date(2045, 3, 19))
    cancelled = booking_cancelled(first, datetime(2045, 3, 1, 10, tzinfo=UTC))

    async with running_consumers(billing), BrokerPeer.connect(billing.settings) as peer:
        envelopes = [
            await peer.publish(first, envelope_of(first)),
            await peer.publish(second, envelope_of(second)),
        ]

        async def two_dates_invoiced() -> bool:
            dates = [i for i in await invoices_of(billing, member.siren) if i.kind == "auditorium"]
            return len(dates) == 2

        await wait_until(two_dates_invoiced, within=30)
        envelopes.append(await peer.publish(cancelled, envelope_of(cancelled)))

        async def credited() -> bool:
            return await credit_notes_of(billing, member.siren) == [D("250.00")]

        await wait_until(credited, within=30)
        # every event again: the same messages, and the same facts under new message ids
        for event, envelope in zip((first, second, cancelled), envelopes, strict=True):
            await peer.publish(event, envelope)
        resent = [await peer.publish(e, envelope_of(e)) for e in (first, second, cancelled)]
        ids = [e.message_id for e in envelopes + resent]

        async def all_applied() -> bool:
            return await applied(billing, ids) == 6

        await wait_until(all_applied, within=30)

    rented = [i for i in await invoices_of(billing, member.siren) if i.kind == "auditorium"]
    assert sorted(i.subject_id for i in rented) == sorted([first.booking_id, second.booking_id])
    assert sum((i.total for i in rented), D(0)) == D("500.00")
    got = (await client.get(f"/invoices/{rented[0].number}", headers=finance)).json()
    [line] = got["lines"]
    assert (line["quantity"], line["unit_price"]) == (1, "250.00")
    assert "Location de l'auditorium" in line["description"]
    assert await credit_notes_of(billing, member.siren) == [D("250.00")], "credited once"
    credited_invoice = next(i for i in rented if i.subject_id == first.booking_id)
    assert (await client.get(f"/invoices/{credited_invoice.id}", headers=finance)).json()[
        "status"
    ] == "cancelled"

    report = (
        await client.get("/reconciliation?from=2045-01-01&to=2045-12-31", headers=finance)
    ).json()
    assert auditorium_mismatches(report, member.siren) == []


async def test_b3_a_date_cancelled_on_its_day_stays_due(
    billing: BillingRuntime, clock: FixedClock
) -> None:
    clock.set(datetime(2045, 2, 1, 9, tzinfo=UTC))
    member = approved(year=2045)
    await deliver(billing, member)
    booked = auditorium_booked(member.siren, date(2045, 4, 2))
    await deliver(billing, booked)
    await deliver(billing, booking_cancelled(booked, datetime(2045, 4, 2, 7, tzinfo=UTC)))
    assert await credit_notes_of(billing, member.siren) == []


async def test_b3_a_cancellation_known_before_its_booking_is_never_invoiced(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2045, 2, 2, 9, tzinfo=UTC))
    member = approved(year=2045)
    await deliver(billing, member)
    booked = auditorium_booked(member.siren, date(2045, 5, 7))
    await deliver(billing, booking_cancelled(booked, datetime(2045, 2, 1, tzinfo=UTC)))
    await deliver(billing, booked)  # the other queue's event, later
    assert [i.kind for i in await invoices_of(billing, member.siren)] == ["membership_new"]
    report = (
        await client.get("/reconciliation?from=2045-01-01&to=2045-12-31", headers=finance)
    ).json()
    assert auditorium_mismatches(report, member.siren) == []


async def test_b3_a_date_of_a_structure_billing_does_not_know_waits_then_is_invoiced(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2045, 2, 3, 9, tzinfo=UTC))
    siren = a_siren()
    booked = auditorium_booked(siren, date(2045, 6, 4), amount="300.00")
    await deliver(billing, booked)
    assert await invoices_of(billing, siren) == []
    report = (
        await client.get("/reconciliation?from=2045-01-01&to=2045-12-31", headers=finance)
    ).json()
    assert [m["kind"] for m in auditorium_mismatches(report, siren)] == ["auditorium_not_invoiced"]

    await deliver(billing, approved(siren, year=2045))  # membership names the structure
    kinds = sorted((i.kind, str(i.total)) for i in await invoices_of(billing, siren))
    assert kinds == [("auditorium", "300.00"), ("membership_new", "100.00")]
    await deliver(billing, booked)
    assert len(await invoices_of(billing, siren)) == 2
    report = (
        await client.get("/reconciliation?from=2045-01-01&to=2045-12-31", headers=finance)
    ).json()
    assert auditorium_mismatches(report, siren) == []
