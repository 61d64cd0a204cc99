"""Staff's ParcoursPro pages: the catalogue of sessions (closed and cancelled included), adding
an action and a session (T1), a session's roster and waiting list in order (T4, T5), recording
attendance (T7), the roster as CSV, cancelling a session (T8)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from portal.clients import clients_of
from portal.clients.training import ACTION_TYPES, ATTENDANCE
from portal.pages.common import PageNumber, clean, offset_of, tell, today
from portal.parts import part, parts
from portal.rendering import render
from portal.web import Staff

router = APIRouter(prefix="/equipe/formations")
PER_PAGE = 20
SessionId = Annotated[UUID, Path()]
CATALOGUE = "/equipe/formations"


@router.get("")
async def catalogue(request: Request, user: Staff, page: PageNumber = 1) -> Response:
    c = clients_of(request).training
    sessions, actions = await parts(
        c.sessions(
            user.token, include_closed=True, limit=PER_PAGE, offset=offset_of(page, PER_PAGE)
        ),
        c.actions(user.token, limit=100),
    )
    return render(
        request,
        "staff/catalogue.html",
        {
            "sessions": sessions,
            "actions": actions,
            "types": ACTION_TYPES,
            "today": today(request),
        },
    )


@router.post("/actions")
async def create_action(
    request: Request,
    user: Staff,
    type: Annotated[str, Form(pattern=r"^(training|self_training|innovation_lab)$")],
    title: Annotated[str, Form(max_length=200)],
    description: Annotated[str, Form(max_length=5000)],
    duration_days: Annotated[str, Form(pattern=r"^[0-9]?$")] = "",
    remote: Annotated[str, Form()] = "",
) -> Response:
    """A training (1 to 3 days), a self-training (remote) or an innovation lab (T1)."""
    body = {
        "type": type,
        "title": clean(title),
        "description": clean(description, 5000),
        "duration_days": int(duration_days) if duration_days else None,
        "remote": remote == "oui",
    }
    created = await part(clients_of(request).training.create_action(user.token, body))
    tell(
        request,
        created,
        done=f"Action « {body['title']} » ajoutée au catalogue : ouvrez-en les sessions.",
        undone="Action non ajoutée",
    )
    return RedirectResponse(CATALOGUE, 303)


@router.post("/sessions")
async def create_session(
    request: Request,
    user: Staff,
    action_id: Annotated[UUID, Form()],
    starts_on: Annotated[date, Form()],
    ends_on: Annotated[date, Form()],
    capacity: Annotated[int, Form(ge=1, le=500)],
    registration_opens_on: Annotated[date, Form()],
    place: Annotated[str, Form(max_length=200)] = "",
    department: Annotated[str, Form(pattern=r"^(\d{2})?$")] = "",
) -> Response:
    """Open a session of an action: its dates, places, venue and registration opening (T1)."""
    body = {
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
        "capacity": capacity,
        "registration_opens_on": registration_opens_on.isoformat(),
        "place": clean(place) or None,
        "department": department or None,
    }
    created = await part(clients_of(request).training.create_session(user.token, action_id, body))
    tell(request, created, done="Session ouverte.", undone="Session non ouverte")
    return RedirectResponse(CATALOGUE, 303)


@router.get("/sessions/{session_id}")
async def roster(request: Request, user: Staff, session_id: SessionId) -> Response:
    found = await part(clients_of(request).training.roster(user.token, session_id))
    if found.problem and found.problem.code == "not_found":
        return render(request, "errors/not_found.html", status=404)
    return render(
        request,
        "staff/roster.html",
        {
            "session_id": session_id,
            "roster": found,
            "outcomes": ATTENDANCE,
            "today": today(request),
        },
    )


@router.get("/sessions/{session_id}/liste.csv")
async def roster_csv(request: Request, user: Staff, session_id: SessionId) -> Response:
    document = await clients_of(request).training.roster_csv(user.token, session_id)
    return Response(
        document.content,
        media_type=document.media_type,
        headers={"Content-Disposition": f'attachment; filename="{document.filename}"'},
    )


@router.post("/sessions/{session_id}/presences/{enrollment_id}")
async def attendance(
    request: Request,
    user: Staff,
    session_id: SessionId,
    enrollment_id: Annotated[UUID, Path()],
    outcome: Annotated[str, Form(pattern=r"^(present|absent_justified|absent_unjustified)$")],
) -> Response:
    """Record a participant's attendance, from the session's first day (T7)."""
    result = await part(
        clients_of(request).training.record_attendance(user.token, enrollment_id, outcome)
    )
    tell(request, result, done="Présence enregistrée.", undone="Présence non enregistrée")
    return RedirectResponse(f"{CATALOGUE}/sessions/{session_id}", 303)


@router.post("/sessions/{session_id}/annulation")
async def cancel(
    request: Request,
    user: Staff,
    session_id: SessionId,
    reason: Annotated[str, Form(min_length=1, max_length=500)],
) -> Response:
    """T8: every place and waiting entry of the session ends, not counted."""
    training = clients_of(request).training
    result = await part(training.cancel_session(user.token, session_id, clean(reason, 500)))
    ended = len((result.value or {}).get("cancelled_enrollments") or [])
    tell(
        request,
        result,
        done=f"Session annulée : {ended} inscription(s) et attente(s) annulée(s), non comptées.",
        undone="Session non annulée",
    )
    return RedirectResponse(f"{CATALOGUE}/sessions/{session_id}", 303)
