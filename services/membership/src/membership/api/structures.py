"""Structures, their establishments and beneficiaries (M1, M7), Qualiopi (M9), plan upgrade
(M10), memberships and rights at a date."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query, Response, status

from membership import handlers
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

router = APIRouter(tags=["structures"])


async def _view(runtime: Runtime, siren: str) -> StructureOut:
    async with runtime.uow() as uow:
        view = await handlers.structure_view(uow, siren)
    return StructureOut(
        **{k: view.structure[k] for k in StructureOut.model_fields if k != "establishments"},
        establishments=[EstablishmentOut.model_validate(dict(e)) for e in view.establishments],
    )


@router.post("/structures", status_code=status.HTTP_201_CREATED, response_model=StructureOut)
async def register_structure(body: StructureIn, runtime: Runtime, caller: Actor) -> StructureOut:
    """Register a structure of Nouvelle-Aquitaine (M1)."""
    siren = parse_siren(body.siren)
    ensure_can_act(caller, siren)

    def address(a: AddressIn) -> handlers.Address:
        return handlers.Address(**a.model_dump())

    command = handlers.NewStructure(
        **body.model_dump(exclude={"head_office", "applying_establishment", "siren"}),
        siren=siren,
        head_office=address(body.head_office),
        applying_establishment=(
            address(body.applying_establishment) if body.applying_establishment else None
        ),
    )
    async with runtime.uow() as uow:
        await handlers.register_structure(uow, command, runtime.clock.now())
    return await _view(runtime, siren)


@router.get("/structures/{siren}", response_model=StructureOut)
async def get_structure(siren: Siren, runtime: Runtime, caller: Reader) -> StructureOut:
    ensure_can_read(caller, siren)
    return await _view(runtime, siren)


@router.patch("/structures/{siren}", response_model=StructureOut)
async def update_structure(
    siren: Siren, body: StructurePatch, runtime: Runtime, caller: Actor
) -> StructureOut:
    """Change contacts, legal details or the head office address (M1 checked again)."""
    ensure_can_act(caller, siren)
    async with runtime.uow() as uow:
        await handlers.update_structure(
            uow, siren, handlers.StructureChanges(**body.model_dump()), runtime.clock.now()
        )
    return await _view(runtime, siren)


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
    address = body.model_dump(exclude={"siret", "name"}, exclude_none=True)
    async with runtime.uow() as uow:
        await handlers.add_beneficiary(
            uow, siren, body.siret, body.name, runtime.clock.now(), address
        )
    return await _view(runtime, siren)


@router.delete("/structures/{siren}/beneficiaries/{siret}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_beneficiary(
    siren: Siren, siret: Annotated[str, Path(max_length=20)], runtime: Runtime, caller: Actor
) -> Response:
    ensure_can_act(caller, siren)
    async with runtime.uow() as uow:
        await handlers.remove_beneficiary(uow, siren, siret, runtime.clock.now())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/structures/{siren}/qualiopi", response_model=StructureOut)
async def set_qualiopi(
    siren: Siren, body: QualiopiIn, runtime: Runtime, caller: Actor
) -> StructureOut:
    """Record or update the Qualiopi certificate of a training organisation (M9)."""
    ensure_can_act(caller, siren)
    async with runtime.uow() as uow:
        await handlers.set_qualiopi(
            uow, siren, body.certificate_number, body.valid_until, runtime.clock.now()
        )
    return await _view(runtime, siren)


@router.delete("/structures/{siren}/qualiopi", response_model=StructureOut)
async def remove_qualiopi(siren: Siren, runtime: Runtime, caller: Actor) -> StructureOut:
    ensure_can_act(caller, siren)
    async with runtime.uow() as uow:
        await handlers.set_qualiopi(uow, siren, None, None, runtime.clock.now())
    return await _view(runtime, siren)


@router.get("/structures/{siren}/memberships", response_model=list[MembershipOut])
async def memberships(siren: Siren, runtime: Runtime, caller: Reader) -> list[MembershipOut]:
    ensure_can_read(caller, siren)
    async with runtime.uow() as uow:
        await handlers.structure_view(uow, siren)
        rows = await uow.repo.memberships_of(siren)
    return [MembershipOut.model_validate(dict(r)) for r in rows]


@router.post(
    "/structures/{siren}/upgrade", status_code=status.HTTP_201_CREATED, response_model=UpgradeOut
)
async def request_upgrade(
    siren: Siren, body: UpgradeIn, runtime: Runtime, caller: Actor
) -> UpgradeOut:
    """Simple → premium for the current year, for the difference (M10)."""
    ensure_can_act(caller, siren)
    async with runtime.uow() as uow:
        upgrade_id, amount = await handlers.request_upgrade(
            uow, siren, body.plan, runtime.clock.now()
        )
    return UpgradeOut(upgrade_id=upgrade_id, amount=amount)


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
        siren, siret = await handlers.resolve_siren(uow, compact)
        ensure_can_read(caller, siren)
        view = await handlers.rights_at(uow, siren, day)
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
