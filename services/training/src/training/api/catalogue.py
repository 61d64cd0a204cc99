"""T1: the catalogue of actions and sessions; T8: a session cancelled; the staff's roster."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from shared.openapi import problem_responses
from shared.pagination import Page, Paging
from shared.text import ClientText
from training.api.deps import Reader, Runtime, Staff, transact
from training.api.schemas import (
    ActionIn,
    ActionOut,
    CancelIn,
    CancellationOut,
    EnrollmentOut,
    RosterOut,
    SessionIn,
    SessionOut,
)
from training.domain.catalogue import ActionSpec, SessionSpec
from training.domain.terms import ActionType
from training.repositories.catalogue import SessionFilter
from training.use_cases import catalogue, endings, views

router = APIRouter(tags=["catalogue"])
ICS = "text/calendar; charset=utf-8"
CSV = "text/csv; charset=utf-8"


@router.post(
    "/actions",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses({422: ["T1"]}),
)
async def create_action(body: ActionIn, runtime: Runtime, caller: Staff) -> ActionOut:
    """Staff add an action: a training (1 to 3 days), a self-training or an innovation lab."""
    command = catalogue.NewAction(
        ActionSpec(body.type, body.title, body.remote, body.duration_days), body.description
    )
    return ActionOut.of(await transact(runtime, lambda uow: catalogue.create_action(uow, command)))


@router.get("/actions")
async def list_actions(
    runtime: Runtime,
    caller: Reader,
    page: Paging,
    type: Annotated[ActionType | None, Query(description="Only actions of this type")] = None,
) -> Page[ActionOut]:
    async with runtime.uow() as uow:
        records, total = await uow.catalogue.actions(page, type)
    return Page.of(records, total, page, ActionOut.of)


@router.get("/actions/{action_id}", responses=problem_responses({404: ["not_found"]}))
async def get_action(action_id: UUID, runtime: Runtime, caller: Reader) -> ActionOut:
    async with runtime.uow() as uow:
        return ActionOut.of(await catalogue.action_of(uow, action_id))


@router.post(
    "/actions/{action_id}/sessions",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses({404: ["not_found"], 422: ["T1"]}),
)
async def create_session(
    action_id: UUID, body: SessionIn, runtime: Runtime, caller: Staff
) -> SessionOut:
    """Staff open a session of an action: dates, capacity, place, registration opening date."""
    spec = SessionSpec(
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        capacity=body.capacity,
        registration_opens_on=body.registration_opens_on,
        place=body.place,
        department=body.department,
    )
    record = await transact(runtime, lambda uow: catalogue.create_session(uow, action_id, spec))
    return SessionOut.of(record)


@router.get("/sessions")
async def list_sessions(
    runtime: Runtime,
    caller: Reader,
    page: Paging,
    type: Annotated[ActionType | None, Query(description="The action's type")] = None,
    month: Annotated[
        str | None,
        Query(pattern=r"^20\d\d-(0[1-9]|1[0-2])$", description="Starting in this month, YYYY-MM"),
    ] = None,
    place: Annotated[
        ClientText | None,
        Query(min_length=1, max_length=100, description="Part of the place's name"),
    ] = None,
    remote: Annotated[bool | None, Query(description="Remote sessions only, or in person")] = None,
    include_closed: Annotated[
        bool, Query(description="Staff: closed and cancelled sessions too")
    ] = False,
) -> Page[SessionOut]:
    """The sessions open for registration today, soonest first, with their remaining places."""
    where = SessionFilter(
        today=runtime.clock.today(),
        action_type=type,
        month=date(int(month[:4]), int(month[5:]), 1) if month else None,
        place=place,
        remote=remote,
        include_closed=include_closed and caller.sees_every_structure(),
    )
    async with runtime.uow() as uow:
        listings, total = await catalogue.list_sessions(uow, where, page)
    return Page.of(listings, total, page, SessionOut.listed)


@router.get("/sessions/{session_id}", responses=problem_responses({404: ["not_found"]}))
async def get_session(session_id: UUID, runtime: Runtime, caller: Reader) -> SessionOut:
    async with runtime.uow() as uow:
        return SessionOut.of(await catalogue.session_of(uow, session_id))


@router.get(
    "/sessions/{session_id}/calendar.ics",
    response_class=Response,
    responses={
        **problem_responses({404: ["not_found"]}),
        200: {"content": {"text/calendar": {}}, "description": "The session (iCalendar)"},
    },
)
async def session_calendar(session_id: UUID, runtime: Runtime, caller: Reader) -> Response:
    async with runtime.uow() as uow:
        session = await catalogue.session_of(uow, session_id)
    return Response(views.session_calendar(session, runtime.clock.now()), media_type=ICS)


@router.post(
    "/sessions/{session_id}/cancel",
    responses=problem_responses({404: ["not_found"], 409: ["T8"]}),
)
async def cancel_session(
    session_id: UUID, body: CancelIn, runtime: Runtime, caller: Staff
) -> CancellationOut:
    """T8: the agency cancels a session: every place and waiting entry ends, not counted."""
    done = await transact(runtime, lambda uow: endings.cancel_session(uow, session_id, body.reason))
    return CancellationOut(
        session=SessionOut.of(done.session), cancelled_enrollments=[e.id for e in done.cancelled]
    )


@router.get("/sessions/{session_id}/roster", responses=problem_responses({404: ["not_found"]}))
async def roster(session_id: UUID, runtime: Runtime, caller: Staff) -> RosterOut:
    """Staff: the session's places and its waiting list in order."""
    async with runtime.uow() as uow:
        session = await catalogue.session_of(uow, session_id)
        entries = await uow.enrollments.roster(session_id)
    out = [EnrollmentOut.of(v) for v in entries]
    return RosterOut(
        session=SessionOut.of(session),
        places=[e for e in out if e.status == "confirmed"],
        waiting=[e for e in out if e.status == "waiting"],
    )


@router.get(
    "/sessions/{session_id}/roster.csv",
    response_class=Response,
    responses={
        **problem_responses({404: ["not_found"]}),
        200: {"content": {"text/csv": {}}, "description": "UTF-8 with BOM, `;`-separated"},
    },
)
async def roster_csv(session_id: UUID, runtime: Runtime, caller: Staff) -> Response:
    async with runtime.uow() as uow:
        await catalogue.session_of(uow, session_id)
        entries = await uow.enrollments.roster(session_id)
    return Response(
        views.roster_csv(entries),
        media_type=CSV,
        headers={"Content-Disposition": f'attachment; filename="session-{session_id}.csv"'},
    )
