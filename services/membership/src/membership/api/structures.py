"""Structures, their establishments and beneficiaries (M1, M7), Qualiopi (M9), plan upgrade
(M10), memberships and rights at a date."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query, Response, status

from membership.api.deps import Actor, Reader, Runtime, Siren, ensure_can_act, ensure_can_read
from membership.api.schemas import (
    AddressIn,
    BeneficiaryIn,
    EstablishmentOut,
    MembershipOut,
    QualiopiIn,
    RightsOut,
    StructureIn,
    StructureOut,
    StructurePatch,
    UpgradeIn,
    UpgradeOut,
)
from membership.domain.identifiers import parse_siren
from membership.use_cases import rights as rights_use_cases
from membership.use_cases import structures, upgrades
from membership.use_cases.ports import MembershipUoW

router = APIRouter(tags=["structures"])


async def _view(uow: MembershipUoW, siren: str) -> StructureOut:
    view = await structures.structure_view(uow, siren)
    return StructureOut.model_validate(
        {
            **asdict(view.structure),
            "establishments": [EstablishmentOut.model_validate(e) for e in view.establishments],
        }
    )


def _address(a: AddressIn) -> structures.Address:
    return structures.Address(**a.model_dump())


@router.post("/structures", status_code=status.HTTP_201_CREATED, response_model=StructureOut)
async def register_structure(body: StructureIn, runtime: Runtime, caller: Actor) -> StructureOut:
    """Register a structure of Nouvelle-Aquitaine (M1)."""
    siren = parse_siren(body.siren)
    ensure_can_act(caller, siren)
    command = structures.NewStructure(
        **body.model_dump(exclude={"head_office", "applying_establishment", "siren"}),
        siren=siren,
        head_office=_address(body.head_office),
        applying_establishment=(
            _address(body.applying_establishment) if body.applying_establishment else None
        ),
    )
    async with runtime.transaction() as uow:
        await structures.register_structure(uow, command)
        return await _view(uow, siren)


@router.get("/structures/{siren}", response_model=StructureOut)
async def get_structure(siren: Siren, runtime: Runtime, caller: Reader) -> StructureOut:
    ensure_can_read(caller, siren)
    async with runtime.uow() as uow:
        return await _view(uow, siren)


@router.patch("/structures/{siren}", response_model=StructureOut)
async def update_structure(
    siren: Siren, body: StructurePatch, runtime: Runtime, caller: Actor
) -> StructureOut:
    """Change contacts, legal details or the head office address (M1 checked again)."""
    ensure_can_act(caller, siren)
    async with runtime.transaction() as uow:
        await structures.update_structure(
            uow, siren, structures.StructureChanges(**body.model_dump())
        )
        return await _view(uow, siren)


@router.post(
    "/structures/{siren}/beneficiaries",
    status_code=status.HTTP_201_CREATED,
    response_model=StructureOut,
)
async def add_beneficiary(
    siren: Siren, body: BeneficiaryIn, runtime: Runtime, caller: Actor
) -> StructureOut:
    """Declare a secondary establishment sharing the member's SIREN (M7)."""
    ensure_can_act(caller, siren)
    address = structures.EstablishmentAddress(**body.model_dump(exclude={"siret", "name"}))
    async with runtime.transaction() as uow:
        await structures.add_beneficiary(uow, siren, body.siret, body.name, address)
        return await _view(uow, siren)


@router.delete("/structures/{siren}/beneficiaries/{siret}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_beneficiary(
    siren: Siren, siret: Annotated[str, Path(max_length=20)], runtime: Runtime, caller: Actor
) -> Response:
    ensure_can_act(caller, siren)
    async with runtime.transaction() as uow:
        await structures.remove_beneficiary(uow, siren, siret)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/structures/{siren}/qualiopi", response_model=StructureOut)
async def set_qualiopi(
    siren: Siren, body: QualiopiIn, runtime: Runtime, caller: Actor
) -> StructureOut:
    """Record or update the Qualiopi certificate of a training organisation (M9)."""
    ensure_can_act(caller, siren)
    async with runtime.transaction() as uow:
        await structures.set_qualiopi(uow, siren, body.certificate_number, body.valid_until)
        return await _view(uow, siren)


@router.delete("/structures/{siren}/qualiopi", response_model=StructureOut)
async def remove_qualiopi(siren: Siren, runtime: Runtime, caller: Actor) -> StructureOut:
    ensure_can_act(caller, siren)
    async with runtime.transaction() as uow:
        await structures.set_qualiopi(uow, siren, None, None)
        return await _view(uow, siren)


@router.get("/structures/{siren}/memberships", response_model=list[MembershipOut])
async def memberships_of(siren: Siren, runtime: Runtime, caller: Reader) -> list[MembershipOut]:
    ensure_can_read(caller, siren)
    async with runtime.uow() as uow:
        await structures.structure_view(uow, siren)
        records = await uow.memberships.memberships_of(siren)
    return [MembershipOut.model_validate(r) for r in records]


@router.post(
    "/structures/{siren}/upgrade", status_code=status.HTTP_201_CREATED, response_model=UpgradeOut
)
async def request_upgrade(
    siren: Siren, body: UpgradeIn, runtime: Runtime, caller: Actor
) -> UpgradeOut:
    """Simple → premium for the current year, for the difference (M10)."""
    ensure_can_act(caller, siren)
    async with runtime.transaction() as uow:
        upgrade = await upgrades.request_upgrade(uow, siren, body.plan)
    return UpgradeOut(upgrade_id=upgrade.id, amount=upgrade.amount)


@router.get("/rights/{identifier}", response_model=RightsOut)
async def rights(
    identifier: str,
    runtime: Runtime,
    caller: Reader,
    on: Annotated[date | None, Query(description="The date (default: today)")] = None,
) -> RightsOut:
    """Status and rights of a structure (SIREN) or of a declared establishment (SIRET) at a
    date: none, pending, active, grace or lapsed (M3, M4), with what member status gives."""
    compact = identifier.replace(" ", "")
    if len(compact) in (9, 14) and compact.isdigit():
        # Scope check on the SIREN part first: a SIRET starts with its structure's SIREN (M7).
        ensure_can_read(caller, compact[:9])
    day = on or runtime.clock.today()
    async with runtime.uow() as uow:
        siren, siret = await rights_use_cases.resolve_siren(uow, compact)
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
