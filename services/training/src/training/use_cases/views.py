"""What members and staff read: an employee's year (T3), a session's roster, calendars, CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import icalendar

from shared.errors import NotFound
from training.domain.enrollment import why
from training.domain.policy import YearCounts, YearPolicy
from training.repositories.records import EnrollmentView, SessionRecord
from training.unit_of_work import TrainingUoW
from training.use_cases.common import policy_of

CALENDAR_DOMAIN = "parcourspro.capmetiers.fr"


@dataclass(frozen=True)
class CountedEntry:
    view: EnrollmentView
    counted: bool
    why: str


@dataclass(frozen=True)
class EmployeeYear:
    email: str
    year: int
    policy: YearPolicy
    counts: YearCounts
    entries: list[CountedEntry]

    @property
    def remaining_actions(self) -> int:
        return max(0, self.policy.max_actions - self.counts.actions)

    @property
    def remaining_trainings(self) -> int:
        return max(
            0, min(self.policy.max_trainings - self.counts.trainings, self.remaining_actions)
        )


async def employee_year(uow: TrainingUoW, email: str, year: int, siren: str | None) -> EmployeeYear:
    """T3 for one employee and year: what counted, why, and what remains.

    A member (``siren`` given) sees the entries of its own structure, and the counts (they are
    the person's, whichever structure enrolled them); with no entry of its own: 404 (X3)."""
    views = await uow.enrollments.of_employee(email, year)
    if not views or (siren is not None and not any(v.enrollment.siren == siren for v in views)):
        raise NotFound("Employee", email)
    counts = (await uow.enrollments.year_counts([email], year))[email]
    shown = [v for v in views if siren is None or v.enrollment.siren == siren]
    entries = [
        CountedEntry(
            v,
            v.enrollment.counted,
            why(
                v.enrollment.status,
                v.enrollment.attendance,
                v.enrollment.end_reason,
                v.enrollment.action_type,
            ),
        )
        for v in shown
    ]
    return EmployeeYear(email, year, await policy_of(uow, year), counts, entries)


def session_calendar(session: SessionRecord, stamp: datetime) -> bytes:
    """A session as an iCalendar document (all-day event over its dates)."""
    calendar = _calendar()
    event = icalendar.Event()
    event.add("uid", f"session-{session.id}@{CALENDAR_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("summary", session.title)
    event.add("description", session.description)
    event.add("dtstart", session.starts_on)
    event.add("dtend", session.ends_on + timedelta(days=1))
    event.add("location", _location(session.place, session.department, session.remote))
    if session.cancelled:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def registrations_calendar(views: Iterable[EnrollmentView], stamp: datetime) -> bytes:
    """A member's places as an iCalendar document: one event per place."""
    calendar = _calendar()
    for view in views:
        e = view.enrollment
        event = icalendar.Event()
        event.add("uid", f"enrollment-{e.id}@{CALENDAR_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("summary", f"{view.title} — {e.first_name} {e.last_name}")
        event.add("dtstart", e.starts_on)
        event.add("dtend", view.ends_on + timedelta(days=1))
        event.add("attendee", f"mailto:{e.email}")
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def _calendar() -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Cap Métiers Nouvelle-Aquitaine//ParcoursPro//FR")
    calendar.add("version", "2.0")
    return calendar


def _location(place: str | None, department: str | None, remote: bool) -> str:
    if remote or not place:
        return "À distance"
    return f"{place} ({department})" if department else place


ROSTER_COLUMNS = (
    "liste",
    "rang",
    "nom",
    "prenom",
    "email",
    "siret",
    "siren",
    "demande_le",
    "presence",
)


def roster_csv(views: Iterable[EnrollmentView]) -> bytes:
    """The roster and waiting list as CSV for spreadsheets: UTF-8 with BOM, ``;``-separated.

    Cells a spreadsheet would read as a formula are prefixed with an apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(ROSTER_COLUMNS)
    for view in views:
        e = view.enrollment
        writer.writerow(
            [
                "place" if e.status == "confirmed" else "attente",
                view.position or "",
                _cell(e.last_name),
                _cell(e.first_name),
                _cell(e.email),
                e.siret,
                e.siren,
                e.requested_at.isoformat(timespec="seconds"),
                e.attendance or "",
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
