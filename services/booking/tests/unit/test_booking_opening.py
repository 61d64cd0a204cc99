"""B8 on pure values: the French holiday calendar, closures, free ranges."""

from __future__ import annotations

from datetime import date, time
from uuid import uuid4

from booking.domain.opening import Closure, day_opening, default_opening_hours, free_ranges

TUESDAY = date(2026, 3, 17)


def test_b8_easter_monday_and_ascension_come_from_the_holiday_calendar() -> None:
    for holiday in (date(2026, 4, 6), date(2026, 5, 14), date(2027, 3, 29)):
        opening = day_opening(holiday, None, default_opening_hours(), [])
        assert opening.closed_because == "public_holiday"


def test_b8_a_closure_closes_the_site_or_one_resource() -> None:
    room_id = uuid4()
    site = Closure(uuid4(), date(2026, 3, 16), date(2026, 3, 17), "travaux", None)
    only_room = Closure(uuid4(), TUESDAY, TUESDAY, "maintenance", room_id)
    hours = default_opening_hours()
    assert day_opening(TUESDAY, room_id, hours, [site]).closed_because == "closure"
    assert day_opening(date(2026, 3, 18), room_id, hours, [site]).open
    assert day_opening(TUESDAY, room_id, hours, [only_room]).closed_because == "closure"
    assert day_opening(TUESDAY, uuid4(), hours, [only_room]).open


def test_b8_free_ranges_around_the_bookings() -> None:
    opening = day_opening(TUESDAY, None, default_opening_hours(), [])
    booked = [(time(10, 0), time(11, 0)), (time(8, 30), time(9, 0)), (time(10, 30), time(12))]
    assert free_ranges(opening, booked) == [(time(9, 0), time(10, 0)), (time(12, 0), time(18))]
    closed = day_opening(date(2026, 3, 21), None, default_opening_hours(), [])
    assert free_ranges(closed, []) == []
