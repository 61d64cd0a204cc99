"""Applications (M5, M6): apply, the board's decisions, the renewal summary."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, status

from membership import handlers
from membership.api.deps import (
    Actor,
    Board,
    BoardOrStaff,
    Reader,
    Runtime,
    Siren,
    Year,
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
from membership.domain.errors import NotFoundError
from membership.domain.identifiers import parse_siren
from membership.domain.plans import MAX_YEAR, MIN_YEAR
from membership.repository import Row

router = APIRouter(tags=["applications"])


def _out(row: Row) -> ApplicationOut:
    return ApplicationOut.model_validate(dict(row))


@router.post("/applications", status_code=status.HTTP_201_CREATED, response_model=ApplicationOut)
async def apply(body: ApplicationIn, runtime: Runtime, caller: Actor) -> ApplicationOut:
    """Apply for a year and a plan; new membership or renewal is decided from the history."""
    siren = parse_siren(body.siren)
    ensure_can_act(caller, siren)
    command = handlers.Application(
        siren=siren,
        year=body.year,
        plan=body.plan,
        texts=Texts(body.texts.structure, body.texts.activity, body.texts.motivations),
        submitted_by=caller.principal.subject,
    )
    async with runtime.uow() as uow:
        application_id = await handlers.apply(uow, command, runtime.clock.now())
    return await _get(runtime, application_id)


async def _get(runtime: Runtime, application_id: UUID) -> ApplicationOut:
    async with runtime.uow() as uow:
        row = await uow.repo.application(application_id)
    if row is None:
        raise NotFoundError("Application", application_id)
    return _out(row)


@router.get("/applications", response_model=list[ApplicationOut])
async def list_applications(
    runtime: Runtime,
    caller: BoardOrStaff,
    status_: Annotated[
        ApplicationStatus | Literal["all"], Query(alias="status")
    ] = ApplicationStatus.PENDING_REVIEW,
    year: Annotated[int | None, Query(ge=MIN_YEAR, le=MAX_YEAR)] = None,
) -> list[ApplicationOut]:
    """The board's list: pending applications by default (``status=all`` for every one)."""
    wanted = None if status_ == "all" else str(status_)
    async with runtime.uow() as uow:
        rows = await uow.repo.applications(status=wanted, year=year)
    return [_out(r) for r in rows]


@router.get("/structures/{siren}/applications", response_model=list[ApplicationOut])
async def applications_of(siren: Siren, runtime: Runtime, caller: Reader) -> list[ApplicationOut]:
    """A structure's own applications, with the board's decisions."""
    ensure_can_read(caller, siren)
    async with runtime.uow() as uow:
        rows = await uow.repo.applications(siren=siren)
    return [_out(r) for r in rows]


@router.get("/applications/{application_id}", response_model=ApplicationOut)
async def get_application(application_id: UUID, runtime: Runtime, caller: Reader) -> ApplicationOut:
    """An application, with the rejection reason when the board rejected it."""
    application = await _get(runtime, application_id)
    ensure_can_read(caller, application.siren)
    return application


@router.post("/applications/{application_id}/approve", response_model=ApplicationOut)
async def approve(application_id: UUID, runtime: Runtime, caller: Board) -> ApplicationOut:
    """M5: the board approves a new membership; the dues invoice follows."""
    async with runtime.uow() as uow:
        await handlers.approve(uow, application_id, caller.principal.subject, runtime.clock.now())
    return await _get(runtime, application_id)


@router.post("/applications/{application_id}/reject", response_model=ApplicationOut)
async def reject(
    application_id: UUID, body: RejectIn, runtime: Runtime, caller: Board
) -> ApplicationOut:
    """M5: the board rejects a new membership with a reason."""
    async with runtime.uow() as uow:
        await handlers.reject(
            uow, application_id, body.reason, caller.principal.subject, runtime.clock.now()
        )
    return await _get(runtime, application_id)


@router.get("/reports/renewals/{year}", response_model=RenewalReport)
async def renewal_report(year: Year, runtime: Runtime, caller: BoardOrStaff) -> RenewalReport:
    """M6: the summary of renewals presented to the board, for information."""
    async with runtime.uow() as uow:
        rows = await uow.repo.renewals(year)
    lines = [
        RenewalLine(
            application_id=r["application_id"],
            siren=r["siren"],
            legal_name=r["legal_name"],
            plan=r["plan"],
            previous_plan=r["previous_plan"],
            status=r["status"],
            membership_state=r["membership_state"],
            amount=r["amount"],
            submitted_at=r["submitted_at"],
            changes=renewal_changes(
                r["previous_plan"], r["previous_premium_from"] is not None, r["plan"]
            ),
        )
        for r in rows
    ]
    return RenewalReport(year=year, count=len(lines), renewals=lines)
