"""B4: what a booking may be for. The agency's object only, nothing commercial, nothing
recurring: no declared series, and no pattern of the same slot week after week."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from booking.domain.bookings import AGENCY_OBJECT, BookingRequest, Recurrence
from shared.errors import RuleViolated

MIN_PURPOSE_LENGTH = 10


def check_purpose(request: BookingRequest) -> None:
    if request.commercial:
        raise RuleViolated(
            "B4", "No commercial activity in the meeting spaces (a paid training or event, sales)."
        )
    if request.category not in AGENCY_OBJECT:
        accepted = ", ".join(sorted(c.value for c in AGENCY_OBJECT))
        raise RuleViolated(
            "B4",
            f"A booking's purpose relates to the agency's object ({accepted}); "
            f"{request.category.value} does not.",
        )
    if len(request.purpose.strip()) < MIN_PURPOSE_LENGTH:
        raise RuleViolated(
            "B4", f"Say what the booking is for in at least {MIN_PURPOSE_LENGTH} characters."
        )
    if request.recurrence is not Recurrence.NONE:
        raise RuleViolated(
            "B4", "No recurring activity: a series of bookings is not accepted, book one date."
        )


def weekly_run(day: date, same_slot_days: Iterable[date]) -> int:
    """How many consecutive weeks, ``day``'s included, hold the same slot (same resource,
    weekday and overlapping times): the length of the pattern ``day`` would join."""
    offsets = set()
    for other in same_slot_days:
        gap = (other - day).days
        if gap % 7 == 0:
            offsets.add(gap // 7)
    run = 1
    for step in (1, -1):
        week = step
        while week in offsets:
            run += 1
            week += step
    return run


def check_weekly_pattern(day: date, same_slot_days: Iterable[date], pattern_weeks: int) -> None:
    """B4: the structure may not book the same slot ``pattern_weeks`` weeks in a row."""
    run = weekly_run(day, same_slot_days)
    if run >= pattern_weeks:
        raise RuleViolated(
            "B4",
            f"This would book the same slot {run} weeks in a row: a recurring activity "
            f"({pattern_weeks} consecutive weeks) is not accepted in the meeting spaces.",
            consecutive_weeks=run,
        )
