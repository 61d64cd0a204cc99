"""Staff's calendar of the Pessac site: a week of every meeting room, the auditorium and the Lab
Studio — each day open or why not (B8), its bookings with their structure and purpose, and its
free ranges (B5)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from portal.clients import clients_of
from portal.pages.common import today
from portal.parts import Part, parts
from portal.rendering import render
from portal.web import Staff

router = APIRouter(prefix="/equipe/calendrier")
WORKING_DAYS = 5
#: Bookings of one week at Pessac read at once: far more than its spaces can hold.
WEEK_BOOKINGS = 500


@router.get("")
async def calendar(
    request: Request, user: Staff, semaine: Annotated[date | None, Query()] = None
) -> Response:
    """The week (Monday to Friday) holding ``semaine``, this week by default."""
    day = semaine or today(request)
    monday = day - timedelta(days=day.weekday())
    friday = monday + timedelta(days=WORKING_DAYS - 1)
    booking = clients_of(request).booking
    resources, week = await parts(
        booking.resources(user.token, limit=100),
        booking.bookings(
            user.token, starts_on=monday, ends_on=friday, status="active", limit=WEEK_BOOKINGS
        ),
    )
    spaces = resources.value.items if resources.value else []
    days: list[Part[dict[str, Any]]] = await parts(
        *(booking.availability(user.token, r["id"], monday, WORKING_DAYS) for r in spaces)
    )
    booked = {b["id"]: b for b in (week.value.items if week.value else [])}
    return render(
        request,
        "staff/calendar.html",
        {
            "monday": monday,
            "friday": friday,
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "resources": resources,
            "week": week,
            "calendar": list(zip(spaces, days, strict=True)),
            "booked": booked,
        },
    )
