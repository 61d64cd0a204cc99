"""X3: the calendar feeds' subscription links, opened by calendar applications without a bearer."""

from __future__ import annotations

import hashlib
from datetime import date
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from sqlalchemy import text

from booking.app import create_app
from booking.service import build_runtime
from shared.auth import Role
from shared.testing.helpers import asgi_client

pytestmark = pytest.mark.integration

TUESDAY = date(2026, 3, 17)


def token_of(link: dict[str, str]) -> str:
    return parse_qs(urlsplit(link["url"]).query)["token"][0]


async def link(scenario, path: str, headers: dict[str, str]) -> dict[str, str]:
    response = await scenario.client.post(path, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, str] = response.json()
    return body


async def feed(scenario, path: str, token: str | None) -> object:
    return await scenario.client.get(path, params={"token": token} if token else None)


def assert_not_found(response) -> None:
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


async def test_x3_a_member_subscribes_to_its_own_feed_by_url_and_to_no_other(scenario) -> None:
    siren, other = await scenario.member(), await scenario.member()
    room = await scenario.resource()
    mine = await scenario.booked(siren, room, TUESDAY)
    await scenario.booked(other, room, date(2026, 3, 18))
    me = scenario.member_headers(siren)

    mine_link = await link(scenario, f"/structures/{siren}/feed-link", me)
    assert mine_link["url"].startswith(f"http://test/structures/{siren}/bookings.ics?token=")
    assert (mine_link["feed"], mine_link["target"], mine_link["detailed"]) == (
        "structure",
        siren,
        True,
    )
    token = token_of(mine_link)
    assert len(token) >= 43  # 256 random bits

    # The URL alone opens the feed: no Authorization header, as a calendar application calls.
    opened = await scenario.client.get(mine_link["url"])
    assert opened.status_code == 200, opened.text
    assert opened.headers["content-type"].startswith("text/calendar")
    [event] = icalendar.Calendar.from_ical(opened.content).walk("VEVENT")
    assert str(event["uid"]).startswith(mine["id"])

    # The member's token opens its own feed only: not another structure's, nor a resource's.
    assert_not_found(await feed(scenario, f"/structures/{other}/bookings.ics", token))
    assert_not_found(await feed(scenario, f"/resources/{room['id']}/bookings.ics", token))
    assert_not_found(await feed(scenario, f"/structures/{siren}/bookings.ics", token[:-1] + "x"))
    assert_not_found(await feed(scenario, f"/structures/{siren}/bookings.ics", "no-such-token"))
    # Without a token the feed still needs the bearer; a member gets no link of another's feed.
    unsigned = await scenario.client.get(f"/structures/{siren}/bookings.ics")
    assert unsigned.status_code == 401
    assert_not_found(await scenario.client.post(f"/structures/{other}/feed-link", headers=me))
    finance = scenario.auth(Role.FINANCE)
    refused = await scenario.client.post(f"/structures/{siren}/feed-link", headers=finance)
    assert refused.status_code == 403


async def test_x3_a_new_link_replaces_the_holders_last_one_and_a_revoked_link_opens_nothing(
    scenario,
) -> None:
    siren = await scenario.member()
    me = scenario.member_headers(siren)
    path = f"/structures/{siren}/bookings.ics"
    first = token_of(await link(scenario, f"/structures/{siren}/feed-link", me))
    staff = token_of(await link(scenario, f"/structures/{siren}/feed-link", scenario.staff))
    second = token_of(await link(scenario, f"/structures/{siren}/feed-link", me))

    assert_not_found(await feed(scenario, path, first))
    assert (await feed(scenario, path, second)).status_code == 200
    assert (await feed(scenario, path, staff)).status_code == 200  # the staff member's own

    revoked = await scenario.client.delete(f"/structures/{siren}/feed-link", headers=me)
    assert revoked.status_code == 204
    assert_not_found(await feed(scenario, path, second))
    assert (await feed(scenario, path, staff)).status_code == 200
    assert_not_found(await scenario.client.delete(f"/structures/{siren}/feed-link", headers=me))

    # Only the token's digest is kept.
    async with scenario.runtime.engine.connect() as connection:
        stored = (
            await connection.execute(
                text("SELECT token_sha256 FROM feed_tokens WHERE target = :siren"),
                {"siren": siren},
            )
        ).scalars()
        assert list(stored) == [hashlib.sha256(staff.encode()).digest()]


async def test_x3_a_resource_link_keeps_its_holders_view(scenario) -> None:
    siren, other = await scenario.member(), await scenario.member()
    room = await scenario.resource()
    await scenario.booked(siren, room, TUESDAY)
    await scenario.booked(other, room, date(2026, 3, 18))
    path = f"/resources/{room['id']}/feed-link"

    member_link = await link(scenario, path, scenario.member_headers(siren))
    assert member_link["detailed"] is False
    busy = await scenario.client.get(member_link["url"])
    events = icalendar.Calendar.from_ical(busy.content).walk("VEVENT")
    assert len(events) == 2
    assert all("orientation" not in str(e["summary"]) for e in events)

    staff_link = await link(scenario, path, scenario.staff)
    assert staff_link["detailed"] is True
    detailed = await scenario.client.get(staff_link["url"])
    events = icalendar.Calendar.from_ical(detailed.content).walk("VEVENT")
    assert len(events) == 2
    assert all("orientation" in str(e["summary"]) for e in events)

    # A resource's token opens that resource's feed only.
    other_room = await scenario.resource()
    token = token_of(staff_link)
    assert_not_found(await feed(scenario, f"/resources/{other_room['id']}/bookings.ics", token))
    assert_not_found(await feed(scenario, f"/structures/{siren}/bookings.ics", token))
    missing = "/resources/00000000-0000-4000-8000-000000000000/feed-link"
    assert_not_found(await scenario.client.post(missing, headers=scenario.staff))


async def test_x3_links_carry_the_configured_public_url(booking_settings, clock, scenario) -> None:
    settings = booking_settings.model_copy(
        update={"public_url": "https://booking.api.cap-metiers.fr/"}
    )
    service = build_runtime(settings, clock)
    try:
        async with asgi_client(create_app(service)) as client:
            siren = await scenario.member()
            response = await client.post(
                f"/structures/{siren}/feed-link", headers=scenario.member_headers(siren)
            )
    finally:
        await service.dispose()
    assert response.status_code == 201, response.text
    assert response.json()["url"].startswith(
        f"https://booking.api.cap-metiers.fr/structures/{siren}/bookings.ics?token="
    )
