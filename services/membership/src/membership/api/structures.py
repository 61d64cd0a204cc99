"""Structures, their establishments and beneficiaries (M1, M7), Qualiopi (M9)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from membership.api.deps import (
    SIREN_PATTERN,
    Actor,
    BoardOrStaff,
    Reader,
    Runtime,
    Siren,
    Siret,
    ensure_can_act,
    ensure_can_read,
)
from membership.api.schemas import (
    AddressIn,
    BeneficiaryIn,
    EstablishmentOut,
    QualiopiIn,
    StructureIn,
    StructureOut,
    StructurePatch,
    StructureSummaryOut,
)
from membership.domain.identifiers import parse_siren
from membership.use_cases import structures
from membership.use_cases.ports import MembershipUoW
from shared.openapi import problem_responses
from shared.pagination import Page, Paging
from shared.text import ClientText

router = APIRouter(tags=["structures"])

#: A structure of the path: not the caller's (X3) or not registered, or its SIREN fails M1.
_STRUCTURE = {404: ["not_found"], 422: ["M1"]}


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


@router.post(
    "/structures",
    status_code=status.HTTP_201_CREATED,
    response_model=StructureOut,
    responses=problem_responses({404: ["not_found"], 409: ["conflict"], 422: ["M1", "M9", "F8"]}),
)
async def register_structure(body: StructureIn, runtime: Runtime, caller: Actor) -> StructureOut:
    """Register a structure of Nouvelle-Aquitaine (M1); a public body with its Chorus Pro
    references (F8)."""
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


@router.get("/structures", response_model=Page[StructureSummaryOut])
async def list_structures(
    runtime: Runtime,
    caller: BoardOrStaff,
    page: Paging,
    name: Annotated[
        ClientText | None, Query(max_length=200, description="A part of the name, any case")
    ] = None,
    siren: Annotated[str | None, Query(pattern=SIREN_PATTERN)] = None,
    commune: Annotated[
        ClientText | None,
        Query(max_length=100, description="The head office's city (any case) or INSEE code"),
    ] = None,
) -> Page[StructureSummaryOut]:
    """The registered structures, by name, for staff and the board."""
    async with runtime.uow() as uow:
        listing = await uow.structures.list_structures(
            name=name, siren=siren, commune=commune, limit=page.limit, offset=page.offset
        )
    return Page[StructureSummaryOut].of(
        listing.items, listing.total, page, StructureSummaryOut.model_validate
    )


@router.get(
    "/structures/{siren}", response_model=StructureOut, responses=problem_responses(_STRUCTURE)
)
async def get_structure(siren: Siren, runtime: Runtime, caller: Reader) -> StructureOut:
    ensure_can_read(caller, siren)
    async with runtime.uow() as uow:
        return await _view(uow, siren)


@router.patch(
    "/structures/{siren}",
    response_model=StructureOut,
    responses=problem_responses({**_STRUCTURE, 409: ["conflict"], 422: ["M1", "M9", "F8"]}),
)
async def update_structure(
    siren: Siren, body: StructurePatch, runtime: Runtime, caller: Actor
) -> StructureOut:
    """Change contacts, legal details or the head office address (M1 checked again), or a
    public body's Chorus Pro references (F8)."""
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
    responses=problem_responses({**_STRUCTURE, 409: ["M7", "conflict"], 422: ["M1", "M7"]}),
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


@router.delete(
    "/structures/{siren}/beneficiaries/{siret}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses({**_STRUCTURE, 409: ["conflict"]}),
)
async def remove_beneficiary(
    siren: Siren, siret: Siret, runtime: Runtime, caller: Actor
) -> Response:
    """The establishment no longer shares the member's rights (M7)."""
    ensure_can_act(caller, siren)
    async with runtime.transaction() as uow:
        await structures.remove_beneficiary(uow, siren, siret)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put(
    "/structures/{siren}/qualiopi",
    response_model=StructureOut,
    responses=problem_responses({**_STRUCTURE, 409: ["conflict"], 422: ["M1", "M9"]}),
)
async def set_qualiopi(
    siren: Siren, body: QualiopiIn, runtime: Runtime, caller: Actor
) -> StructureOut:
    """Record or update the Qualiopi certificate of a training organisation (M9)."""
    ensure_can_act(caller, siren)
    async with runtime.transaction() as uow:
        await structures.set_qualiopi(uow, siren, body.certificate_number, body.valid_until)
        return await _view(uow, siren)


@router.delete(
    "/structures/{siren}/qualiopi",
    response_model=StructureOut,
    responses=problem_responses({**_STRUCTURE, 409: ["conflict"]}),
)
async def remove_qualiopi(siren: Siren, runtime: Runtime, caller: Actor) -> StructureOut:
    """Remove the certificate, whoever holds it (never refused, M9)."""
    ensure_can_act(caller, siren)
    async with runtime.transaction() as uow:
        await structures.set_qualiopi(uow, siren, None, None)
        return await _view(uow, siren)
