"""The opening calendar of the site (B8): working days, opening hours, closures, holidays.

Times are the site's wall-clock time (Europe/Paris). No booking on a Saturday, a Sunday or a
French public holiday (the ``holidays`` library's calendar of France), nor on a closure; a
booking lies within the weekday's opening hours, on quarter hours, for at least half an hour.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from uuid import UUID
from zoneinfo import ZoneInfo

import holidays

from shared.errors import RuleViolated

SITE_TIMEZONE = ZoneInfo("Europe/Paris")
#: ISO weekdays (Monday = 1) on which the site may open; the weekend never (B8).
WORKING_DAYS = frozenset({1, 2, 3, 4, 5})
SLOT_MINUTES = 15
MIN_MINUTES = 30
DEFAULT_OPENS_AT = time(8, 30)
DEFAULT_CLOSES_AT = time(18, 0)


@dataclass(frozen=True)
class OpeningHours:
    """The hours of one working day of the week; a working day without them is closed."""

    weekday: int
    opens_at: time
    closes_at: time

    def __post_init__(self) -> None:
        if self.weekday not in WORKING_DAYS:
            raise RuleViolated("B8", "The site opens Monday to Friday only (weekday 1 to 5).")
        check_quarter_hours(self.opens_at, self.closes_at)


def default_opening_hours() -> dict[int, OpeningHours]:
    return {d: OpeningHours(d, DEFAULT_OPENS_AT, DEFAULT_CLOSES_AT) for d in sorted(WORKING_DAYS)}


@dataclass(frozen=True)
class Closure:
    """Days the site (``resource_id`` None) or one resource is closed, both ends included."""

    id: UUID
    starts_on: date
    ends_on: date
    reason: str
    resource_id: UUID | None

    def covers(self, day: date, resource_id: UUID | None) -> bool:
        applies = self.resource_id is None or self.resource_id == resource_id
        return applies and self.starts_on <= day <= self.ends_on


@lru_cache(maxsize=64)
def _french_holidays(year: int) -> Mapping[date, str]:
    return dict(holidays.country_holidays("FR", years=year, language="fr"))


def public_holiday(day: date) -> str | None:
    """The name of the French public holiday on ``day``, if it is one."""
    return _french_holidays(day.year).get(day)


def french_holidays(year: int) -> list[tuple[date, str]]:
    return sorted(_french_holidays(year).items())


@dataclass(frozen=True)
class DayOpening:
    """Whether a resource can be booked on a day, and between which hours."""

    day: date
    opens_at: time | None
    closes_at: time | None
    #: Why it is closed: ``weekend``, ``public_holiday``, ``closure`` or ``no_opening_hours``.
    closed_because: str | None = None
    detail: str | None = None

    @property
    def open(self) -> bool:
        return self.closed_because is None


def day_opening(
    day: date,
    resource_id: UUID | None,
    hours: Mapping[int, OpeningHours],
    closures: Iterable[Closure],
) -> DayOpening:
    weekday = day.isoweekday()
    if weekday not in WORKING_DAYS:
        return DayOpening(day, None, None, "weekend", "The site is closed at the weekend.")
    holiday = public_holiday(day)
    if holiday is not None:
        return DayOpening(day, None, None, "public_holiday", f"Public holiday: {holiday}.")
    for closure in closures:
        if closure.covers(day, resource_id):
            return DayOpening(day, None, None, "closure", f"Closed: {closure.reason}.")
    opening = hours.get(weekday)
    if opening is None:
        return DayOpening(day, None, None, "no_opening_hours", "The site is closed that day.")
    return DayOpening(day, opening.opens_at, opening.closes_at)


def check_quarter_hours(starts_at: time, ends_at: time) -> None:
    for t in (starts_at, ends_at):
        if t.second or t.microsecond or t.minute % SLOT_MINUTES:
            raise RuleViolated(
                "B8", f"Times are on the quarter hour (e.g. 09:00, 09:15), not {t.isoformat()}."
            )
    if _minutes(ends_at) - _minutes(starts_at) < MIN_MINUTES:
        raise RuleViolated(
            "B8", f"A time range ends at least {MIN_MINUTES} minutes after it starts."
        )


def check_bookable_time(opening: DayOpening, starts_at: time, ends_at: time, now: datetime) -> None:
    """B8: a working, open day, within its hours, and still to come at ``now`` (site time)."""
    opens_at, closes_at = opening.opens_at, opening.closes_at
    if not opening.open or opens_at is None or closes_at is None:
        raise RuleViolated(
            "B8",
            f"No booking on {opening.day.isoformat()}: {opening.detail}",
            closed_because=opening.closed_because,
        )
    check_quarter_hours(starts_at, ends_at)
    if starts_at < opens_at or ends_at > closes_at:
        raise RuleViolated(
            "B8",
            f"On {opening.day.isoformat()} the site opens from {opens_at:%H:%M} "
            f"to {closes_at:%H:%M}.",
            opens_at=opens_at.isoformat(),
            closes_at=closes_at.isoformat(),
        )
    start = datetime.combine(opening.day, starts_at, tzinfo=SITE_TIMEZONE)
    if start <= now.astimezone(SITE_TIMEZONE):
        raise RuleViolated("B8", "A booking is for a time still to come.")


def free_ranges(
    opening: DayOpening, booked: Iterable[tuple[time, time]]
) -> list[tuple[time, time]]:
    """The free time ranges of an open day, around the ``booked`` ones."""
    if not opening.open or opening.opens_at is None or opening.closes_at is None:
        return []
    free: list[tuple[time, time]] = []
    cursor = opening.opens_at
    for starts_at, ends_at in sorted(booked):
        if starts_at > cursor:
            free.append((cursor, min(starts_at, opening.closes_at)))
        cursor = max(cursor, ends_at)
    if cursor < opening.closes_at:
        free.append((cursor, opening.closes_at))
    return [(a, b) for a, b in free if a < b]


def site_now(now: datetime) -> datetime:
    return now.astimezone(SITE_TIMEZONE)


def weeks_around(day: date, weeks: int) -> tuple[date, date]:
    """The days ``weeks - 1`` weeks before and after ``day`` (the window of a weekly pattern)."""
    span = timedelta(weeks=max(weeks - 1, 0))
    return day - span, day + span


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute
