"""B5 and B2/B6 under concurrency, on the real database over HTTP (the app in process)."""

from __future__ import annotations

import asyncio
from datetime import date, time, timedelta

import pytest
from sqlalchemy import text

from booking.domain.opening import day_opening, default_opening_hours

pytestmark = pytest.mark.integration

ROUNDS = 10
REQUESTS = 100


def working_day(start: date) -> date:
    day = start
    while not day_opening(day, None, default_opening_hours(), []).open:
        day += timedelta(days=1)
    return day


async def active_bookings(scenario, resource_id: str) -> int:
    async with scenario.runtime.engine.connect() as connection:
        count = await connection.scalar(
            text("SELECT count(*) FROM bookings WHERE resource_id = :r AND status = 'active'"),
            {"r": resource_id},
        )
    return int(count)


async def test_b5_a_hundred_concurrent_requests_for_overlapping_slots_one_wins(
    scenario,
) -> None:
    day = working_day(date(2026, 4, 20))
    # every range holds 09:45-10:00, so any two of them overlap
    starts = [time(9, 15 * (i % 4)) for i in range(REQUESTS)]
    for _ in range(ROUNDS):
        sirens = await scenario.premium_members(REQUESTS)
        room = await scenario.resource(capacity=40)
        responses = await asyncio.gather(
            *(
                scenario.book(
                    siren, room, day, starts=start, ends=time(start.hour + 1, start.minute)
                )
                for siren, start in zip(sirens, starts, strict=True)
            )
        )
        assert sorted(r.status_code for r in responses) == [201] + [409] * (REQUESTS - 1)
        refused = [r for r in responses if r.status_code == 409]
        assert {r.json()["code"] for r in refused} == {"B5"}
        assert {r.headers["content-type"] for r in refused} == {"application/problem+json"}
        assert await active_bookings(scenario, room["id"]) == 1
        assert len(await scenario.outbox("RoomBooked", resource_id=room["id"])) == 1


async def test_b2_concurrent_requests_of_one_structure_never_exceed_its_five_credits(
    scenario,
) -> None:
    day = working_day(date(2026, 5, 4))
    for _ in range(3):
        [siren] = await scenario.premium_members(1)
        rooms = [await scenario.resource() for _ in range(10)]
        responses = await asyncio.gather(*(scenario.book(siren, room, day) for room in rooms))
        assert sorted(r.status_code for r in responses) == [201] * 5 + [422] * 5
        assert {r.json()["code"] for r in responses if r.status_code == 422} == {"B2"}
        assert sorted(r.json()["credits_left"] for r in responses if r.status_code == 201) == [
            0,
            1,
            2,
            3,
            4,
        ]
        credits = await scenario.client.get(
            f"/structures/{siren}/credits/2026", headers=scenario.staff
        )
        assert credits.json()["used"] == 5


async def test_b6_concurrent_studio_requests_of_one_participant_never_exceed_three(
    scenario,
) -> None:
    organisation = await scenario.member(plan="simple", training_organisation=True)
    studio = await scenario.resource("lab_studio", capacity=3)
    day = working_day(date(2026, 6, 1))
    slots = [(time(9 + 2 * i, 0), time(10 + 2 * i, 0)) for i in range(4)]  # 9-10 ... 15-16
    responses = await asyncio.gather(
        *(
            scenario.book(
                organisation,
                studio,
                day,
                starts=starts,
                ends=ends,
                attendance=1,
                parking_passes=0,
                participant_email="noe.petit@example.org",
            )
            for starts, ends in slots * 2
        )
    )
    created = [r for r in responses if r.status_code == 201]
    assert len(created) == 3
    codes = {r.json()["code"] for r in responses if r.status_code != 201}
    assert codes <= {"B5", "B6"}
    assert "B6" in codes
