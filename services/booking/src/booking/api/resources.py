"""The site's resources (B1) and their availability (B5, B8)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status

from booking.api.deps import Reader, Runtime, Staff
from booking.api.schemas import (
    AvailabilityOut,
    BusyRange,
    Day,
    DayOut,
    ResourceIn,
    ResourceOut,
    ResourcePatch,
    TimeRange,
)
from booking.domain.bookings import Booking
from booking.domain.resources import ResourceKind
from booking.handlers import catalogue
from booking.handlers.catalogue import MAX_DAYS, DayAvailability
from shared.auth import Caller
from shared.openapi import problem_responses
from shared.pagination import Page, Paging

router = APIRouter(tags=["resources"])


@router.get("/resources", response_model=Page[ResourceOut])
async def list_resources(
    runtime: Runtime,
    caller: Reader,
    page: Paging,
    kind: Annotated[ResourceKind | None, Query(description="Only this kind")] = None,
    active: Annotated[bool | None, Query(description="Only open (or closed) ones")] = None,
) -> Page[ResourceOut]:
    async with runtime.uow() as uow:
        found, total = await uow.resources.search(
            kind=kind, active=active, limit=page.limit, offset=page.offset
        )
    return Page.of(found, total, page, ResourceOut.of)


@router.post(
    "/resources",
    status_code=status.HTTP_201_CREATED,
    response_model=ResourceOut,
    responses=problem_responses({409: ["conflict"], 422: ["B1"]}),
)
async def add_resource(body: ResourceIn, runtime: Runtime, caller: Staff) -> ResourceOut:
    """A meeting room, the auditorium or the Lab Studio of the Pessac site (B1)."""
    async with runtime.transaction() as uow:
        added = await catalogue.add_resource(
            uow,
            catalogue.NewResource(
                name=body.name,
                kind=body.kind,
                capacity=body.capacity,
                equipment=tuple(body.equipment),
                requires_qualiopi=body.requires_qualiopi,
                description=body.description,
            ),
        )
    return ResourceOut.of(added)


@router.get(
    "/resources/{resource_id}",
    response_model=ResourceOut,
    responses=problem_responses({404: ["not_found"]}),
)
async def get_resource(resource_id: UUID, runtime: Runtime, caller: Reader) -> ResourceOut:
    async with runtime.uow() as uow:
        return ResourceOut.of(await catalogue.resource(uow, resource_id))


@router.patch(
    "/resources/{resource_id}",
    response_model=ResourceOut,
    responses=problem_responses({404: ["not_found"], 409: ["conflict"], 422: ["B1"]}),
)
async def change_resource(
    resource_id: UUID, body: ResourcePatch, runtime: Runtime, caller: Staff
) -> ResourceOut:
    """Rename, resize, equip, set the Qualiopi condition (B4), open or close to booking."""
    async with runtime.transaction() as uow:
        changed = await catalogue.change_resource(
            uow, resource_id, body.model_dump(exclude_unset=True)
        )
    return ResourceOut.of(changed)


@router.get(
    "/resources/{resource_id}/availability",
    response_model=AvailabilityOut,
    responses=problem_responses({404: ["not_found"]}),
)
async def availability(
    resource_id: UUID,
    runtime: Runtime,
    caller: Reader,
    on: Annotated[Day, Query(description="First day (years 2020-2100)")],
    days: Annotated[int, Query(ge=1, le=MAX_DAYS, description="Days from the first")] = 1,
) -> AvailabilityOut:
    """Per day: open or why not (weekend, public holiday, closure), free ranges, bookings."""
    async with runtime.uow() as uow:
        found, per_day = await catalogue.availability(uow, resource_id, on, days)
    return AvailabilityOut(resource=ResourceOut.of(found), days=[_day(d, caller) for d in per_day])


def _day(d: DayAvailability, caller: Caller) -> DayOut:
    o = d.opening
    return DayOut(
        date=o.day,
        open=o.open,
        closed_because=o.closed_because,
        detail=o.detail,
        opens_at=o.opens_at,
        closes_at=o.closes_at,
        free=[TimeRange(starts_at=a, ends_at=b) for a, b in d.free],
        booked=[_busy(b, caller) for b in d.booked],
    )


def _busy(b: Booking, caller: Caller) -> BusyRange:
    if caller.may_see(b.siren):
        return BusyRange(starts_at=b.starts_at, ends_at=b.ends_at, booking_id=b.id, siren=b.siren)
    return BusyRange(starts_at=b.starts_at, ends_at=b.ends_at)
