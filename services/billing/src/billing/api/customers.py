"""The customers billing knows (F1), and the Chorus Pro references of public bodies (F8)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from billing.api.deps import Finance, Reader, Runtime, SirenFilter, SirenPath, scope_of
from billing.api.schemas import ChorusReferencesIn, ChorusReferencesOut, CustomerAccountOut
from billing.repositories.records import CustomerFilter
from billing.use_cases.documents import record_chorus_references
from shared.errors import NotFound
from shared.openapi import problem_responses
from shared.pagination import Page, Paging

router = APIRouter(tags=["customers"])


@router.get(
    "/customers",
    summary="Customers (main structures) by name; a member: its own",
    responses=problem_responses({404: ["not_found"]}),
)
async def list_customers(
    runtime: Runtime,
    caller: Reader,
    page: Paging,
    name: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            pattern=r"^[^\x00]+$",
            description="Part of the legal name, any case",
        ),
    ] = None,
    siren: SirenFilter = None,
    public_body: Annotated[
        bool | None, Query(description="Public bodies (invoiced through Chorus Pro, F8)")
    ] = None,
) -> Page[CustomerAccountOut]:
    where = CustomerFilter(name=name, siren=scope_of(caller, siren), public_body=public_body)
    async with runtime.uow() as uow:
        found = await uow.projections.page_customers(where, limit=page.limit, offset=page.offset)
    return Page.of(found.items, found.total, page, CustomerAccountOut.of)


@router.get(
    "/customers/{siren}",
    summary="A customer (main structure) as billing knows it; a member: its own",
    responses=problem_responses({404: ["not_found"]}),
)
async def get_customer(siren: SirenPath, runtime: Runtime, caller: Reader) -> CustomerAccountOut:
    caller.ensure_structure(siren, "Customer")
    async with runtime.uow() as uow:
        customer = await uow.projections.get_customer(siren)
    if customer is None:
        raise NotFound("Customer", siren)
    return CustomerAccountOut.of(customer)


@router.put(
    "/customers/{siren}/chorus",
    summary="Record a public body's Chorus Pro references (F8): its documents waiting for them "
    "are then made",
    responses=problem_responses({404: ["not_found"], 422: ["F8"]}),
)
async def put_chorus_references(
    siren: SirenPath, body: ChorusReferencesIn, runtime: Runtime, caller: Finance
) -> ChorusReferencesOut:
    async with runtime.transaction() as uow:
        outcome = await record_chorus_references(
            uow,
            siren,
            siret=body.siret,
            service_code=body.service_code,
            commitment_number=body.commitment_number,
            by=caller.principal.subject,
        )
    return ChorusReferencesOut(
        customer=CustomerAccountOut.of(outcome.customer),
        released=outcome.released,
        still_waiting=outcome.still_waiting,
    )
