"""The booking API on the real database: the rules as a member meets them, the events billing
needs, and the access rules (X3)."""

from __future__ import annotations

from datetime import date, time

import pytest

pytestmark = pytest.mark.integration

TUESDAY = date(2026, 3, 17)


async def test_b2_b7_a_premium_member_books_a_room_and_reads_the_parking_terms(scenario) -> None:
    siren = await scenario.member()
    room = await scenario.resource()
    body = await scenario.booked(siren, room, TUESDAY)
    assert body["status"] == "active"
    assert body["credits_left"] == 4
    assert body["parking"]["passes"] == 2
    assert body["parking"]["price_per_pass"] == "1.00"
    assert "TBM" in body["parking"]["terms"]

    [event] = await scenario.outbox("RoomBooked", booking_id=body["id"])
    assert event["aggregate_id"] == body["id"]
    assert event["aggregate_version"] == 1
    assert event["payload"]["credits_left"] == 4
    assert event["payload"]["membership_year"] == 2026
    assert event["payload"]["starts_at"] == "09:00:00"

    credits = await scenario.client.get(
        f"/structures/{siren}/credits/2026", headers=scenario.member_headers(siren)
    )
    assert credits.json() == {"siren": siren, "year": 2026, "allowed": 5, "used": 1, "left": 4}


async def test_b2_the_sixth_room_booking_is_refused_until_one_is_cancelled(scenario) -> None:
    siren = await scenario.member()
    room = await scenario.resource()
    days = [date(2026, 3, d) for d in (16, 17, 18, 19, 20)]
    booked = [await scenario.booked(siren, room, d) for d in days]
    assert [b["credits_left"] for b in booked] == [4, 3, 2, 1, 0]

    sixth = await scenario.book(siren, room, date(2026, 3, 23))
    assert sixth.status_code == 422
    assert sixth.headers["content-type"] == "application/problem+json"
    assert sixth.json()["code"] == "B2"
    assert sixth.json()["used"] == 5

    cancelled = await scenario.cancel(booked[0]["id"], scenario.member_headers(siren))
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["credit_returned"] is True
    [event] = await scenario.outbox("BookingCancelled", booking_id=booked[0]["id"])
    assert event["aggregate_version"] == 2
    assert event["payload"]["reason"] == "member"
    assert event["payload"]["credit_returned"] is True
    assert event["payload"]["amount"] is None
    assert (await scenario.book(siren, room, date(2026, 3, 23))).status_code == 201


async def test_b2_cancelled_on_its_day_the_credit_stays_used(scenario) -> None:
    siren = await scenario.member()
    room = await scenario.resource()
    booking = await scenario.booked(
        siren, room, date(2026, 3, 10), starts=time(14, 0), ends=time(15, 0)
    )
    cancelled = await scenario.cancel(booking["id"], scenario.member_headers(siren))
    assert cancelled.json()["credit_returned"] is False
    credits = await scenario.client.get(f"/structures/{siren}/credits/2026", headers=scenario.staff)
    assert credits.json()["used"] == 1
    again = await scenario.cancel(booking["id"], scenario.member_headers(siren))
    assert again.status_code == 409


async def test_b2_a_simple_member_may_not_book_a_room(scenario) -> None:
    siren = await scenario.member(plan="simple")
    room = await scenario.resource()
    response = await scenario.book(siren, room, TUESDAY)
    assert response.status_code == 422
    assert response.json()["code"] == "B2"
    unknown = await scenario.book("123456789", room, TUESDAY)
    assert unknown.json()["code"] == "B2"


async def test_b3_an_auditorium_date_carries_what_billing_invoices_and_credits(scenario) -> None:
    siren = await scenario.member()
    auditorium = await scenario.resource("auditorium", capacity=250)
    body = await scenario.booked(siren, auditorium, TUESDAY, attendance=120)
    assert body["amount"] == "250.00"
    assert body["credits_left"] is None
    [booked] = await scenario.outbox("AuditoriumBooked", booking_id=body["id"])
    assert booked["payload"]["siren"] == siren
    assert booked["payload"]["booked_on"] == "2026-03-17"
    assert booked["payload"]["amount"] == "250.00"

    credits = await scenario.client.get(f"/structures/{siren}/credits/2026", headers=scenario.staff)
    assert credits.json()["used"] == 0  # B3: not among the five

    await scenario.cancel(body["id"], scenario.member_headers(siren))
    [cancelled] = await scenario.outbox("BookingCancelled", booking_id=body["id"])
    assert cancelled["payload"]["resource_kind"] == "auditorium"
    assert cancelled["payload"]["credit_returned"] is True
    assert cancelled["payload"]["amount"] == "250.00"


async def test_b3_the_price_is_the_years_setting(scenario) -> None:
    siren = await scenario.member(plan="premium")
    await scenario.fold((scenario.activated(siren, year=2027), 1))
    auditorium = await scenario.resource("auditorium", capacity=250)
    missing = await scenario.book(siren, auditorium, date(2027, 3, 16))
    assert missing.status_code == 422
    assert missing.json()["code"] == "B3"
    terms = {
        "room_credits": 5,
        "auditorium_price": "260.00",
        "studio_slots_per_participant": 3,
        "pattern_weeks": 3,
    }
    put = await scenario.client.put("/policies/2027", json=terms, headers=scenario.staff)
    assert put.status_code == 200, put.text
    body = await scenario.booked(siren, auditorium, date(2027, 3, 16))
    assert body["amount"] == "260.00"
    refused = await scenario.client.put(
        "/policies/2027", json=terms, headers=scenario.member_headers(siren)
    )
    assert refused.status_code == 403


async def test_b4_commercial_recurring_and_qualiopi_refusals(scenario) -> None:
    siren = await scenario.member(training_organisation=True)
    room = await scenario.resource(requires_qualiopi=True)
    for extra in (
        {"commercial": True},
        {"purpose_category": "paid_training"},
        {"recurrence": "weekly"},
    ):
        response = await scenario.book(siren, room, TUESDAY, **extra)
        assert response.status_code == 422
        assert response.json()["code"] == "B4", extra
    qualiopi = await scenario.book(siren, room, TUESDAY)
    assert qualiopi.json()["code"] == "B4"
    assert "Qualiopi" in qualiopi.json()["detail"]

    certified = await scenario.member(training_organisation=True, qualiopi_until=date(2027, 1, 1))
    other_room = await scenario.resource()
    for week in (date(2026, 3, 17), date(2026, 3, 24)):
        await scenario.booked(certified, other_room, week)
    third = await scenario.book(certified, other_room, date(2026, 3, 31))
    assert third.json()["code"] == "B4"
    assert third.json()["consecutive_weeks"] == 3
    assert (await scenario.booked(certified, room, date(2026, 3, 31)))["status"] == "active"


async def test_b6_the_studio_for_training_organisations_three_slots_a_participant(
    scenario,
) -> None:
    studio = await scenario.resource("lab_studio", capacity=4)
    plain = await scenario.member()
    refused = await scenario.book(plain, studio, TUESDAY, attendance=2, participant_email="a@b.fr")
    assert refused.json()["code"] == "B6"

    organisation = await scenario.member(plan="simple", training_organisation=True)
    days = [date(2026, 3, 16), date(2026, 3, 18), date(2026, 3, 20)]
    for day in days:
        body = await scenario.booked(
            organisation, studio, day, attendance=2, participant_email=" Lea.Roux@Example.org "
        )
        assert body["participant_email"] == "lea.roux@example.org"
    [event] = await scenario.outbox("StudioSlotBooked", booking_id=body["id"])
    assert event["payload"]["participant_email"] == "lea.roux@example.org"
    fourth = await scenario.book(
        organisation,
        studio,
        date(2026, 3, 25),
        attendance=2,
        participant_email="lea.roux@example.org",
    )
    assert fourth.json()["code"] == "B6"
    other = await scenario.book(
        organisation, studio, date(2026, 3, 25), attendance=2, participant_email="tom@example.org"
    )
    assert other.status_code == 201


async def test_b8_weekends_holidays_closures_and_hours(scenario) -> None:
    siren = await scenario.member()
    room = await scenario.resource()
    for day in (date(2026, 3, 21), date(2026, 7, 14)):
        response = await scenario.book(siren, room, day)
        assert response.json()["code"] == "B8"
    late = await scenario.book(siren, room, TUESDAY, starts=time(17, 0), ends=time(18, 30))
    assert late.json()["code"] == "B8"

    closure = await scenario.client.post(
        "/calendar/closures",
        json={
            "starts_on": "2026-03-18",
            "ends_on": "2026-03-19",
            "reason": "travaux",
            "resource_id": room["id"],
        },
        headers=scenario.staff,
    )
    assert closure.status_code == 201, closure.text
    closed = await scenario.book(siren, room, date(2026, 3, 18))
    assert closed.json()["code"] == "B8"
    assert closed.json()["closed_because"] == "closure"

    booked = await scenario.booked(siren, room, date(2026, 3, 20))
    overlapping = await scenario.client.post(
        "/calendar/closures",
        json={
            "starts_on": "2026-03-20",
            "ends_on": "2026-03-20",
            "reason": "panne",
            "resource_id": room["id"],
        },
        headers=scenario.staff,
    )
    assert overlapping.status_code == 409
    assert overlapping.json()["bookings"] == [booked["id"]]

    site = await scenario.client.post(
        "/calendar/closures",
        json={"starts_on": "2026-12-28", "ends_on": "2026-12-31", "reason": "fêtes"},
        headers=scenario.staff,
    )
    assert site.status_code == 201
    availability = await scenario.client.get(
        f"/resources/{room['id']}/availability",
        params={"on": "2026-12-28"},
        headers=scenario.member_headers(siren),
    )
    assert availability.json()["days"][0]["closed_because"] == "closure"
    removed = await scenario.client.delete(
        f"/calendar/closures/{site.json()['id']}", headers=scenario.staff
    )
    assert removed.status_code == 204

    holidays = await scenario.client.get("/calendar/holidays/2026", headers=scenario.staff)
    assert {"date": "2026-07-14", "name": "Fête nationale"} in holidays.json()


async def test_b8_availability_shows_free_ranges_and_hides_other_structures(scenario) -> None:
    siren, other = await scenario.member(), await scenario.member()
    room = await scenario.resource()
    await scenario.booked(siren, room, TUESDAY, starts=time(10, 0), ends=time(11, 30))
    await scenario.booked(other, room, TUESDAY, starts=time(14, 0), ends=time(15, 0))
    response = await scenario.client.get(
        f"/resources/{room['id']}/availability",
        params={"on": "2026-03-17", "days": 5},
        headers=scenario.member_headers(siren),
    )
    assert response.status_code == 200, response.text
    days = response.json()["days"]
    assert [d["open"] for d in days] == [True, True, True, True, False]
    assert days[4]["closed_because"] == "weekend"
    assert days[0]["free"] == [
        {"starts_at": "08:30:00", "ends_at": "10:00:00"},
        {"starts_at": "11:30:00", "ends_at": "14:00:00"},
        {"starts_at": "15:00:00", "ends_at": "18:00:00"},
    ]
    mine, theirs = days[0]["booked"]
    assert mine["siren"] == siren
    assert theirs["siren"] is None
    assert theirs["booking_id"] is None


async def test_b5_an_overlap_is_a_409_naming_b5_and_adjacent_slots_are_fine(scenario) -> None:
    first, second = await scenario.member(), await scenario.member()
    room = await scenario.resource()
    await scenario.booked(first, room, TUESDAY, starts=time(9, 0), ends=time(10, 0))
    overlap = await scenario.book(second, room, TUESDAY, starts=time(9, 45), ends=time(11, 0))
    assert overlap.status_code == 409
    assert overlap.json()["code"] == "B5"
    await scenario.booked(second, room, TUESDAY, starts=time(10, 0), ends=time(11, 0))


async def test_b1_staff_manage_resources_members_read_them(scenario) -> None:
    room = await scenario.resource(capacity=12)
    member = scenario.member_headers(await scenario.member())
    denied = await scenario.client.post(
        "/resources", json={"name": "x", "kind": "meeting_room", "capacity": 3}, headers=member
    )
    assert denied.status_code == 403
    duplicate = await scenario.client.post(
        "/resources",
        json={"name": room["name"], "kind": "meeting_room", "capacity": 3},
        headers=scenario.staff,
    )
    assert duplicate.status_code == 409
    patched = await scenario.client.patch(
        f"/resources/{room['id']}", json={"capacity": 30, "active": False}, headers=scenario.staff
    )
    assert patched.json()["capacity"] == 30
    nulled = await scenario.client.patch(
        f"/resources/{room['id']}", json={"capacity": None}, headers=scenario.staff
    )
    assert nulled.status_code == 422
    far = await scenario.client.get(
        f"/resources/{room['id']}/availability",
        params={"on": "9999-12-31", "days": 31},
        headers=member,
    )
    assert far.status_code == 422
    listed = await scenario.client.get(
        "/resources", params={"kind": "meeting_room", "active": "false"}, headers=member
    )
    assert room["id"] in [r["id"] for r in listed.json()["items"]]
    siren = await scenario.member()
    closed = await scenario.book(siren, room, TUESDAY)
    assert closed.json()["code"] == "B1"


async def test_b8_staff_set_opening_hours_but_not_over_bookings(scenario) -> None:
    siren = await scenario.member()
    room = await scenario.resource()
    await scenario.booked(siren, room, date(2026, 3, 20), starts=time(16, 0), ends=time(17, 0))
    shorter = await scenario.client.put(
        "/calendar/opening-hours/5",
        json={"opens_at": "08:30", "closes_at": "12:00"},
        headers=scenario.staff,
    )
    assert shorter.status_code == 409
    assert shorter.json()["code"] == "B8"
    weekend = await scenario.client.put(
        "/calendar/opening-hours/6",
        json={"opens_at": "09:00", "closes_at": "12:00"},
        headers=scenario.staff,
    )
    assert weekend.status_code == 422
    hours = await scenario.client.get("/calendar/opening-hours", headers=scenario.staff)
    assert hours.json()[4] == {"weekday": 5, "opens_at": "08:30:00", "closes_at": "18:00:00"}
