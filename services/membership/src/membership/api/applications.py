"""Applications (M5, M6): apply, the board's decisions, the renewal summary."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, status

from membership.api.deps import (
    Actor,
    Board,
    BoardOrStaff,
    Reader,
    Runtime,
    Siren,
    Year,
    YearQuery,
    ensure_can_act,
    ensure_can_read,
)
from membership.api.schemas import (
    ApplicationIn,
    ApplicationOut,
    RejectIn,
    RenewalLine,
    RenewalReport,
)
from membership.domain.applications import ApplicationStatus, Texts, renewal_changes
from membership.domain.identifiers import parse_siren
from membership.records import ApplicationLine, ApplicationRecord
from membership.use_cases import applications
from shared.errors import NotFound
from shared.openapi import problem_responses
from shared.pagination import Page, Paging

router = APIRouter(tags=["applications"])


def _out(record: ApplicationRecord, legal_name: str | None = None) -> ApplicationOut:
    out = ApplicationOut.model_validate(record)
    return out.model_copy(update={"legal_name": legal_name}) if legal_name else out


def _line(line: ApplicationLine) -> ApplicationOut:
    return _out(line.application, line.legal_name)


@router.post(
    "/applications",
    status_code=status.HTTP_201_CREATED,
    response_model=ApplicationOut,
    responses=problem_responses(
        {404: ["not_found"], 409: ["M3"], 422: ["M1", "M2", "M3", "M5", "M8"]}
    ),
)
async def apply(body: ApplicationIn, runtime: Runtime, caller: Actor) -> ApplicationOut:
    """Apply for a year and a plan; new membership or renewal is decided from the history."""
    siren = parse_siren(body.siren)
    ensure_can_act(caller, siren)
    command = applications.Application(
        siren=siren,
        year=body.year,
        plan=body.plan,
        texts=Texts(body.texts.structure, body.texts.activity, body.texts.motivations),
        submitted_by=caller.principal.subject,
    )
    async with runtime.transaction() as uow:
        application = await applications.apply(uow, command)
    return _out(application)


@router.get("/applications", response_model=Page[ApplicationOut])
async def list_applications(
    runtime: Runtime,
    caller: BoardOrStaff,
    page: Paging,
    status_: Annotated[
        ApplicationStatus | Literal["all"],
        Query(alias="status", description="The applications' status; ``all`` for every one"),
    ] = ApplicationStatus.PENDING_REVIEW,
    year: YearQuery = None,
) -> Page[ApplicationOut]:
    """The board's list, oldest first: pending applications by default."""
    wanted = None if status_ == "all" else ApplicationStatus(status_)
    async with runtime.uow() as uow:
        listing = await uow.applications.list_applications(
            status=wanted, year=year, limit=page.limit, offset=page.offset
        )
    return Page[ApplicationOut].of(listing.items, listing.total, page, _line)


@router.get(
    "/structures/{siren}/applications",
    response_model=list[ApplicationOut],
    responses=problem_responses({404: ["not_found"], 422: ["M1"]}),
)
async def applications_of(siren: Siren, runtime: Runtime, caller: Reader) -> list[ApplicationOut]:
    """A structure's own applications, with the board's decisions."""
    ensure_can_read(caller, siren)
    async with runtime.uow() as uow:
        lines = await uow.applications.applications_of(siren)
    return [_line(r) for r in lines]


@router.get(
    "/applications/{application_id}",
    response_model=ApplicationOut,
    responses=problem_responses({404: ["not_found"]}),
)
async def get_application(application_id: UUID, runtime: Runtime, caller: Reader) -> ApplicationOut:
    """An application, with the rejection reason when the board rejected it."""
    async with runtime.uow() as uow:
        application = await uow.applications.application(application_id)
    if application is None:
        raise NotFound("Application", application_id)
    ensure_can_read(caller, application.siren)
    return _out(application)


@router.post(
    "/applications/{application_id}/approve",
    response_model=ApplicationOut,
    responses=problem_responses({404: ["not_found"], 409: ["M5", "M6", "conflict"], 422: ["M2"]}),
)
async def approve(application_id: UUID, runtime: Runtime, caller: Board) -> ApplicationOut:
    """M5: the board approves a new membership; the dues invoice follows."""
    async with runtime.transaction() as uow:
        application = await applications.approve(uow, application_id, caller.principal.subject)
    return _out(application)


@router.post(
    "/applications/{application_id}/reject",
    response_model=ApplicationOut,
    responses=problem_responses({404: ["not_found"], 409: ["M5", "M6", "conflict"], 422: ["M5"]}),
)
async def reject(
    application_id: UUID, body: RejectIn, runtime: Runtime, caller: Board
) -> ApplicationOut:
    """M5: the board rejects a new membership with a reason."""
    async with runtime.transaction() as uow:
        application = await applications.reject(
            uow, application_id, body.reason, caller.principal.subject
        )
    return _out(application)


@router.get("/reports/renewals/{year}", response_model=RenewalReport)
async def renewal_report(year: Year, runtime: Runtime, caller: BoardOrStaff) -> RenewalReport:
    """M6: the summary of renewals presented to the board, for information."""
    async with runtime.uow() as uow:
        records = await uow.applications.renewals(year)
    lines = [
        RenewalLine(
            application_id=r.application_id,
            siren=r.siren,
            legal_name=r.legal_name,
            plan=r.plan,
            previous_plan=r.previous_plan,
            status=r.status,
            membership_state=r.membership_state,
            amount=r.amount,
            submitted_at=r.submitted_at,
            changes=renewal_changes(r.previous_plan, r.previous_premium_from is not None, r.plan),
        )
        for r in records
    ]
    return RenewalReport(year=year, count=len(lines), renewals=lines)
