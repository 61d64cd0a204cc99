"""X3 through the API: a member sees and acts for its own structure only; feeds; bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime

import icalendar
import pytest

from shared.auth import Role

pytestmark = pytest.mark.integration

TUESDAY = date(2026, 3, 17)


async def test_x3_a_member_sees_and_cancels_only_its_own_bookings(scenario) -> None:
    siren, other = await scenario.member(), await scenario.member()
    room = await scenario.resource()
    mine = await scenario.booked(siren, room, TUESDAY)
    theirs = await scenario.booked(other, room, date(2026, 3, 18))
    me = scenario.member_headers(siren)

    assert (await scenario.client.get(f"/bookings/{theirs['id']}", headers=me)).status_code == 404
    assert (await scenario.cancel(theirs["id"], me)).status_code == 404
    listed = await scenario.client.get("/bookings", headers=me)
    assert [b["id"] for b in listed.json()["items"]] == [mine["id"]]
    assert (
        await scenario.client.get("/bookings", params={"siren": other}, headers=me)
    ).status_code == 404
    for path in (f"/structures/{other}/credits/2026", f"/structures/{other}/bookings.ics"):
        assert (await scenario.client.get(path, headers=me)).status_code == 404
    booked_for_other = await scenario.client.post(
        "/bookings", json=scenario.booking_body(other, room, date(2026, 3, 19)), headers=me
    )
    assert booked_for_other.status_code == 404

    staff_view = await scenario.client.get(f"/bookings/{theirs['id']}", headers=scenario.staff)
    assert staff_view.status_code == 200
    by_staff = await scenario.cancel(theirs["id"], scenario.staff)
    assert by_staff.json()["cancel_reason"] == "staff"
    finance = scenario.auth(Role.FINANCE)
    assert (await scenario.cancel(mine["id"], finance)).status_code == 403
    assert (await scenario.client.get("/bookings", headers=finance)).status_code == 200


async def test_x3_calendar_feeds_per_structure_and_per_resource(scenario) -> None:
    siren, other = await scenario.member(), await scenario.member()
    room = await scenario.resource()
    mine = await scenario.booked(siren, room, TUESDAY)
    await scenario.booked(other, room, date(2026, 3, 18))

    feed = await scenario.client.get(
        f"/structures/{siren}/bookings.ics", headers=scenario.member_headers(siren)
    )
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    [event] = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    assert str(event["uid"]).startswith(mine["id"])
    assert event.decoded("dtstart") == datetime(2026, 3, 17, 8, 0, tzinfo=UTC)
    assert "orientation" in str(event["summary"])

    resource_feed = await scenario.client.get(
        f"/resources/{room['id']}/bookings.ics", headers=scenario.member_headers(siren)
    )
    events = icalendar.Calendar.from_ical(resource_feed.content).walk("VEVENT")
    assert len(events) == 2
    assert all("orientation" not in str(e["summary"]) for e in events)
    staff_feed = await scenario.client.get(
        f"/resources/{room['id']}/bookings.ics", headers=scenario.staff
    )
    assert all(
        "orientation" in str(e["summary"])
        for e in icalendar.Calendar.from_ical(staff_feed.content).walk("VEVENT")
    )


@pytest.mark.parametrize(
    "change",
    [
        {"starts_at": "09:00+02:00"},
        {"siren": "12345"},
        {"attendance": 0},
        {"purpose": "x\u0000y"},
        {"purpose_category": "party"},
        {"date": "1999-03-17"},
        {"unexpected": True},
    ],
)
async def test_x3_bad_input_is_a_422_problem(scenario, change) -> None:
    siren = await scenario.member()
    room = await scenario.resource()
    body = {**scenario.booking_body(siren, room, TUESDAY), **change}
    headers = scenario.staff if "siren" in change else scenario.member_headers(siren)
    response = await scenario.client.post("/bookings", json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
