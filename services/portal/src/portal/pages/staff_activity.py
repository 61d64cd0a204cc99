"""Staff's training and booking pages: the catalogue of sessions, a session's roster and
waiting list with attendance (T5, T7), and the Pessac calendar of a day (B1, B8)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from portal.clients import clients_of
from portal.clients.training import ATTENDANCE
from portal.messages import phrase
from portal.pages.common import PageNumber, offset_of, today
from portal.parts import part, parts
from portal.rendering import render
from portal.web import Staff, session_of

router = APIRouter(prefix="/equipe")
PER_PAGE = 20
EntityId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


@router.get("/formations")
async def catalogue(request: Request, user: Staff, page: PageNumber = 1) -> Response:
    sessions = await part(
        clients_of(request).training.sessions(
            user.token, limit=PER_PAGE, offset=offset_of(page, PER_PAGE)
        )
    )
    return render(request, "staff/catalogue.html", {"sessions": sessions})


@router.get("/formations/sessions/{session_id}")
async def roster(request: Request, user: Staff, session_id: EntityId) -> Response:
    c = clients_of(request)
    session, enrollments = await parts(
        c.training.session(user.token, session_id), c.training.roster(user.token, session_id)
    )
    everyone = enrollments.value or []
    return render(
        request,
        "staff/roster.html",
        {
            "session_id": session_id,
            "session": session,
            "enrollments": enrollments,
            "confirmed": [e for e in everyone if e.get("status") != "waitlisted"],
            "waiting": sorted(
                (e for e in everyone if e.get("status") == "waitlisted"),
                key=lambda e: e.get("position") or 0,
            ),
            "outcomes": ATTENDANCE,
        },
    )


@router.post("/formations/sessions/{session_id}/presences/{enrollment_id}")
async def attendance(
    request: Request,
    user: Staff,
    session_id: EntityId,
    enrollment_id: EntityId,
    outcome: Annotated[str, Form(pattern=r"^(present|absent_justified|absent_unjustified)$")],
) -> Response:
    """Record a participant's attendance after the session (T7)."""
    result = await part(
        clients_of(request).training.record_attendance(user.token, enrollment_id, outcome)
    )
    flash = session_of(request).flash
    if result.unavailable:
        flash("erreur", f"Présence non enregistrée : {result.unavailable} ne répondent pas.")
    elif result.problem:
        flash("erreur", phrase(result.problem.code))
    else:
        flash("succes", "Présence enregistrée.")
    return RedirectResponse(f"/equipe/formations/sessions/{session_id}", 303)


@router.get("/calendrier")
async def calendar(
    request: Request, user: Staff, jour: Annotated[date | None, Query()] = None
) -> Response:
    """The Pessac site's day: every space's free and booked slots."""
    day = jour or today(request)
    c = clients_of(request)
    resources, bookings = await parts(
        c.booking.resources(user.token), c.booking.bookings(user.token, day=day.isoformat())
    )
    availability = []
    for resource in resources.value or []:
        slots = await part(
            c.booking.availability(user.token, str(resource.get("id")), day.isoformat())
        )
        availability.append((resource, slots))
    return render(
        request,
        "staff/calendar.html",
        {"day": day, "resources": resources, "bookings": bookings, "availability": availability},
    )
