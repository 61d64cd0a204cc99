"""T2-T7, T10: pre-registration, withdrawal, attendance; a structure's and an employee's view."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from shared.openapi import problem_responses
from shared.pagination import Page, PageRequest, Paging
from training.api.deps import (
    Actor,
    EmailPath,
    Reader,
    Runtime,
    SirenPath,
    Staff,
    YearPath,
    scope,
    transact,
)
from training.api.schemas import (
    AttendanceIn,
    CountedEntryOut,
    EmployeeYearOut,
    EnrollmentIn,
    EnrollmentOut,
    RegistrationOut,
    WithdrawalOut,
)
from training.domain.identity import normalise_email
from training.domain.terms import EnrollmentStatus
from training.repositories.records import EnrollmentRecord, EnrollmentView
from training.use_cases import endings, views
from training.use_cases.common import enrollment_of
from training.use_cases.registration import Participant, pre_register

router = APIRouter(tags=["enrollments"])
ICS = "text/calendar; charset=utf-8"
JSON = "application/json"


def _out(
    record: EnrollmentRecord, title: str | None = None, position: int | None = None
) -> EnrollmentOut:
    return EnrollmentOut.of(EnrollmentView(record, title, record.starts_on, position))


@router.post(
    "/sessions/{session_id}/enrollments",
    status_code=status.HTTP_201_CREATED,
    response_model=RegistrationOut,
    responses=problem_responses(
        {404: ["not_found"], 409: ["T8", "T10"], 422: ["T1", "T2", "T3", "T6"]}
    ),
)
async def register(
    session_id: UUID, body: EnrollmentIn, runtime: Runtime, caller: Actor
) -> Response:
    """Pre-register an employee: a place, or the waiting list with its rank and reason (full,
    or T4); refused with the rule that forbids it (T2, T3, T6, T10). Staff may register after
    the deadline."""
    participant = Participant(body.first_name, body.last_name, body.email, body.siret).normalised()
    caller.ensure_structure(participant.siren, "Establishment")
    by_staff = caller.sees_every_structure()

    done = await transact(
        runtime, lambda uow: pre_register(uow, session_id, participant, by_staff=by_staff)
    )
    record = done.enrollment
    answer = RegistrationOut(
        outcome="confirmed" if record.status == "confirmed" else "waiting",
        position=done.position,
        waiting_reason=record.waiting_reason,
        enrollment=_out(record, done.session.title, done.position),
    )
    # already a RegistrationOut: serialised once, without FastAPI validating it again
    return Response(answer.model_dump_json(), status_code=status.HTTP_201_CREATED, media_type=JSON)


@router.get("/enrollments/{enrollment_id}", responses=problem_responses({404: ["not_found"]}))
async def get_enrollment(enrollment_id: UUID, runtime: Runtime, caller: Reader) -> EnrollmentOut:
    async with runtime.uow() as uow:
        await enrollment_of(uow, enrollment_id, scope(caller))
        view = await uow.enrollments.view(enrollment_id)
    assert view is not None
    return EnrollmentOut.of(view)


@router.post(
    "/enrollments/{enrollment_id}/withdraw",
    responses=problem_responses({404: ["not_found"], 409: ["T7", "conflict"], 422: ["T3"]}),
)
async def withdraw(enrollment_id: UUID, runtime: Runtime, caller: Actor) -> WithdrawalOut:
    """T7: withdraw a place or a waiting entry. Less than 10 days (the year's setting) before
    the start, a place still counts toward the yearly limits. The freed place goes to the
    first eligible waiting entry (T5)."""
    siren = scope(caller)
    done = await transact(runtime, lambda uow: endings.withdraw(uow, enrollment_id, siren))
    record = done.enrollment
    assert record.end_reason is not None
    return WithdrawalOut(
        counted=record.counted,
        reason=record.end_reason,
        enrollment=_out(record),
        promoted=[p.id for p in done.promoted],
    )


@router.put(
    "/enrollments/{enrollment_id}/attendance",
    responses=problem_responses({404: ["not_found"], 409: ["T7"]}),
)
async def record_attendance(
    enrollment_id: UUID, body: AttendanceIn, runtime: Runtime, caller: Staff
) -> EnrollmentOut:
    """T7: staff record presence, or an absence with or without justification."""
    record = await transact(
        runtime, lambda uow: endings.record_attendance(uow, enrollment_id, body.attendance)
    )
    return _out(record)


@router.get("/structures/{siren}/enrollments", responses=problem_responses({404: ["not_found"]}))
async def structure_enrollments(
    siren: SirenPath,
    runtime: Runtime,
    caller: Reader,
    page: Paging,
    status_: Annotated[
        list[EnrollmentStatus] | None, Query(alias="status", description="Only these statuses")
    ] = None,
) -> Page[EnrollmentOut]:
    """A structure's enrollments (its own for a member: X3), soonest session first."""
    caller.ensure_structure(siren)
    async with runtime.uow() as uow:
        found, total = await uow.enrollments.of_structure(siren, page, status_)
    return Page.of(found, total, page, EnrollmentOut.of)


@router.get(
    "/structures/{siren}/calendar.ics",
    response_class=Response,
    responses={
        **problem_responses({404: ["not_found"]}),
        200: {"content": {"text/calendar": {}}, "description": "The places (iCalendar)"},
    },
)
async def structure_calendar(siren: SirenPath, runtime: Runtime, caller: Reader) -> Response:
    """A structure's confirmed places as an iCalendar document."""
    caller.ensure_structure(siren)
    async with runtime.uow() as uow:
        found: list[EnrollmentView] = []
        offset = 0
        while True:
            chunk, total = await uow.enrollments.of_structure(
                siren, PageRequest(limit=500, offset=offset), ["confirmed"]
            )
            found += chunk
            offset += len(chunk)
            if not chunk or offset >= total:
                break
    return Response(views.registrations_calendar(found, runtime.clock.now()), media_type=ICS)


@router.get(
    "/employees/{email}/years/{year}",
    responses=problem_responses({404: ["not_found"], 422: ["T3"]}),
)
async def employee_year(
    email: EmailPath, year: YearPath, runtime: Runtime, caller: Reader
) -> EmployeeYearOut:
    """T3 for one employee and year: what counted and why, and what remains."""
    address = normalise_email(email)
    async with runtime.uow() as uow:
        found = await views.employee_year(uow, address, year, scope(caller))
    return EmployeeYearOut(
        email=found.email,
        year=found.year,
        max_actions=found.policy.max_actions,
        max_trainings=found.policy.max_trainings,
        counted_actions=found.counts.actions,
        counted_trainings=found.counts.trainings,
        remaining_actions=found.remaining_actions,
        remaining_trainings=found.remaining_trainings,
        entries=[
            CountedEntryOut(enrollment=EnrollmentOut.of(e.view), counted=e.counted, why=e.why)
            for e in found.entries
        ],
    )
