"""Memberships: the list for staff and the board, a structure's own, the plan upgrade (M10),
and the status and rights of a structure or establishment at a date (M3, M4, M7)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status

from membership.api.deps import (
    Actor,
    BoardOrStaff,
    Reader,
    Runtime,
    Siren,
    SirenOrSiret,
    YearQuery,
    ensure_can_act,
    ensure_can_read,
)
from membership.api.schemas import MembershipOut, RightsOut, UpgradeIn, UpgradeOut
from membership.domain.plans import Plan
from membership.domain.validity import MembershipState
from membership.use_cases import rights as rights_use_cases
from membership.use_cases import upgrades
from membership.use_cases.common import structure_of
from shared.openapi import problem_responses
from shared.pagination import Page, Paging

router = APIRouter(tags=["memberships"])


@router.get("/memberships", response_model=Page[MembershipOut])
async def list_memberships(
    runtime: Runtime,
    caller: BoardOrStaff,
    page: Paging,
    year: YearQuery = None,
    status_: Annotated[
        MembershipState | None, Query(alias="status", description="The membership's state")
    ] = None,
    plan: Plan | None = None,
) -> Page[MembershipOut]:
    """Every structure's memberships, latest year first, for staff and the board."""
    async with runtime.uow() as uow:
        listing = await uow.memberships.list_memberships(
            year=year, state=status_, plan=plan, limit=page.limit, offset=page.offset
        )
    return Page[MembershipOut].of(listing.items, listing.total, page, MembershipOut.model_validate)


@router.get(
    "/structures/{siren}/memberships",
    response_model=list[MembershipOut],
    responses=problem_responses({404: ["not_found"], 422: ["M1"]}),
)
async def memberships_of(siren: Siren, runtime: Runtime, caller: Reader) -> list[MembershipOut]:
    """A structure's memberships, one per year."""
    ensure_can_read(caller, siren)
    async with runtime.uow() as uow:
        await structure_of(uow, siren)
        records = await uow.memberships.memberships_of(siren)
    return [MembershipOut.model_validate(r) for r in records]


@router.post(
    "/structures/{siren}/upgrade",
    status_code=status.HTTP_201_CREATED,
    response_model=UpgradeOut,
    responses=problem_responses({404: ["not_found"], 409: ["M10"], 422: ["M1", "M2", "M10"]}),
)
async def request_upgrade(
    siren: Siren, body: UpgradeIn, runtime: Runtime, caller: Actor
) -> UpgradeOut:
    """Simple → premium for the current year, for the difference (M10)."""
    ensure_can_act(caller, siren)
    async with runtime.transaction() as uow:
        upgrade = await upgrades.request_upgrade(uow, siren, body.plan)
    return UpgradeOut(upgrade_id=upgrade.id, amount=upgrade.amount)


@router.get(
    "/rights/{identifier}",
    response_model=RightsOut,
    responses=problem_responses({404: ["not_found"], 422: ["M1", "M3"]}),
)
async def rights(
    identifier: SirenOrSiret,
    runtime: Runtime,
    caller: Reader,
    on: Annotated[date | None, Query(description="The date (default: today)")] = None,
) -> RightsOut:
    """Status and rights of a structure (SIREN) or of a declared establishment (SIRET) at a
    date: none, pending, active, grace or lapsed (M3, M4), with what member status gives."""
    # Scope check on the SIREN part first: a SIRET starts with its structure's SIREN (M7).
    ensure_can_read(caller, identifier[:9])
    day = on or runtime.clock.today()
    async with runtime.uow() as uow:
        siren, siret = await rights_use_cases.resolve_siren(uow, identifier)
        ensure_can_read(caller, siren)
        view = await rights_use_cases.rights_at(uow, siren, day)
    st = view.status
    return RightsOut(
        siren=siren,
        resolved_from_siret=siret,
        on=day,
        status=st.status.value,
        plan=st.plan.value if st.plan else None,
        membership_id=(UUID(st.membership.key) if st.membership and st.membership.key else None),
        valid_until=st.valid_until,
        grace_until=st.grace_until,
        rights=vars(view.rights),
        beneficiary_sirets=view.beneficiary_sirets,
    )
