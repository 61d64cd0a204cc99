"""B9 on the real broker: membership's lapse, delivered twice, cancels the structure's future
bookings once, and billing hears of the auditorium date to credit."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from shared.contracts import MembershipLapsed
from shared.messaging.outbox import AggregateRef
from shared.testing.helpers import wait_until
from shared.testing.messaging import received

pytestmark = pytest.mark.integration


async def test_b9_a_lapse_delivered_twice_cancels_future_bookings_once(
    scenario, relay, consumer, peer
) -> None:
    cancellations = await peer.listen("booking.cancelled.v1")
    siren = f"{uuid4().int % 10**9:09d}"
    activated = scenario.activated(siren)
    await scenario.fold((activated, 1))
    room = await scenario.resource()
    auditorium = await scenario.resource("auditorium", capacity=200)
    before = await scenario.booked(siren, room, date(2026, 3, 17))
    after_room = await scenario.booked(siren, room, date(2026, 3, 25))
    after_auditorium = await scenario.booked(siren, auditorium, date(2026, 4, 14))

    lapse = MembershipLapsed(
        membership_id=activated.membership_id,
        siren=siren,
        year=2026,
        lapsed_on=date(2026, 3, 20),
        reason="withdrawn",
    )
    ref = AggregateRef.of(activated.membership_id, 4)
    envelope = await peer.publish(lapse, aggregate=ref)
    await peer.publish(lapse, envelope)  # the same message, delivered again
    await peer.publish(lapse, aggregate=ref)  # the same fact under another message id

    envelopes = await received(cancellations, count=2)
    ours = {e.payload["booking_id"]: e for e in envelopes if e.payload["siren"] == siren}
    assert set(ours) == {after_room["id"], after_auditorium["id"]}
    auditorium_event = ours[after_auditorium["id"]]
    assert auditorium_event.payload["resource_kind"] == "auditorium"
    assert auditorium_event.payload["reason"] == "membership_lapsed"
    assert auditorium_event.payload["credit_returned"] is True
    assert auditorium_event.payload["amount"] == "250.00"
    assert auditorium_event.aggregate_version == 2
    assert auditorium_event.causation_id is not None

    async def all_three_handled() -> bool:
        stats = scenario.runtime.consumers.stats
        return (
            stats.duplicates >= 1
            and len(await scenario.outbox("BookingCancelled", siren=siren)) >= 2
        )

    await wait_until(all_three_handled)
    staff = scenario.staff
    statuses = {
        b["id"]: b["status"]
        for b in (
            await scenario.client.get("/bookings", params={"siren": siren}, headers=staff)
        ).json()["items"]
    }
    assert statuses == {
        before["id"]: "active",
        after_room["id"]: "cancelled",
        after_auditorium["id"]: "cancelled",
    }
    credits = await scenario.client.get(f"/structures/{siren}/credits/2026", headers=staff)
    assert credits.json()["used"] == 1

    refused = await scenario.book(siren, room, date(2026, 3, 26))
    assert refused.json()["code"] == "B2"


async def test_b9_the_lapse_keeps_what_the_rights_still_cover(scenario) -> None:
    """A lapse of one year's membership leaves bookings of a year the structure holds."""
    from booking.handlers.bookings import cancel_lapsed

    siren = await scenario.member()
    room = await scenario.resource()
    booking = await scenario.booked(siren, room, date(2026, 3, 25))
    other_year = scenario.activated(siren, year=2026)
    await scenario.fold(
        (
            MembershipLapsed(
                membership_id=uuid4(),
                siren=siren,
                year=2025,
                lapsed_on=date(2026, 1, 1),
                reason="not_renewed",
            ),
            2,
        ),
        (other_year, 1),
    )
    async with scenario.runtime.transaction() as uow:
        assert await cancel_lapsed(uow, siren, date(2026, 1, 1)) == []
    kept = await scenario.client.get(f"/bookings/{booking['id']}", headers=scenario.staff)
    assert kept.json()["status"] == "active"
