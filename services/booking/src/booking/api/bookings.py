"""Bookings (B2-B7), their cancellation and a structure's credits (X3)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status

from booking.api.deps import Actor, Reader, Runtime, Siren, Year, scope_of
from booking.api.schemas import BookedOut, BookingIn, BookingOut, CreditsOut, Day, ParkingOut
from booking.domain.bookings import BookingRequest, BookingStatus, CancelReason
from booking.handlers import bookings, reads
from booking.repository.bookings import BookingFilter
from shared.auth import Role
from shared.openapi import problem_responses
from shared.pagination import Page, Paging

router = APIRouter(tags=["bookings"])

BOOKING_REFUSALS = ["B1", "B2", "B3", "B4", "B6", "B7", "B8", "validation"]


@router.post(
    "/bookings",
    status_code=status.HTTP_201_CREATED,
    response_model=BookedOut,
    responses=problem_responses({404: ["not_found"], 409: ["B5"], 422: BOOKING_REFUSALS}),
)
async def book(body: BookingIn, runtime: Runtime, caller: Actor) -> BookedOut:
    """Book a resource for a date and a time range (site time, Europe/Paris).

    Meeting rooms: premium members, five a year (B2). The auditorium: premium members, priced
    per date (B3). The Lab Studio: training organisations, three slots per participant (B6).
    The purpose is the agency's object, not commercial, not recurring (B4); no overlap (B5);
    within opening hours on a working day (B8); the TBM parking terms come with the answer (B7).
    """
    caller.ensure_structure(body.siren)
    request = BookingRequest(
        siren=body.siren,
        resource_id=body.resource_id,
        day=body.date,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        purpose=body.purpose,
        category=body.purpose_category,
        commercial=body.commercial,
        recurrence=body.recurrence,
        attendance=body.attendance,
        parking_passes=body.parking_passes,
        participant_email=body.participant_email,
        requested_by=caller.principal.subject,
    )
    async with runtime.transaction() as uow:
        done = await bookings.book(uow, request)
    settings = runtime.settings
    return BookedOut(
        **BookingOut.of(done.booking).model_dump(),
        credits_left=done.credits_left,
        parking=ParkingOut(
            passes=done.booking.parking_passes,
            price_per_pass=settings.parking_pass_price,
            terms=settings.parking_terms,
        ),
    )


@router.get(
    "/bookings", response_model=Page[BookingOut], responses=problem_responses({404: ["not_found"]})
)
async def list_bookings(
    runtime: Runtime,
    caller: Reader,
    page: Paging,
    siren: Annotated[str | None, Query(pattern=r"^\d{9}$", description="The structure")] = None,
    resource_id: Annotated[UUID | None, Query(description="The resource")] = None,
    starts_on: Annotated[
        Day | None, Query(alias="from", description="From this day (2020-2100)")
    ] = None,
    ends_on: Annotated[Day | None, Query(alias="to", description="To this day (2020-2100)")] = None,
    booking_status: Annotated[BookingStatus | None, Query(alias="status")] = None,
) -> Page[BookingOut]:
    """Bookings by date; a member's list holds its own structure's only (X3)."""
    scope = scope_of(caller)
    if siren is not None:
        caller.ensure_structure(siren)
    where = BookingFilter(
        siren=siren or scope,
        resource_id=resource_id,
        starts_on=starts_on,
        ends_on=ends_on,
        status=booking_status,
    )
    async with runtime.uow() as uow:
        found, total = await reads.bookings(uow, where, limit=page.limit, offset=page.offset)
    return Page.of(found, total, page, BookingOut.of)


@router.get(
    "/bookings/{booking_id}",
    response_model=BookingOut,
    responses=problem_responses({404: ["not_found"]}),
)
async def get_booking(booking_id: UUID, runtime: Runtime, caller: Reader) -> BookingOut:
    async with runtime.uow() as uow:
        found = await reads.booking(uow, booking_id, siren_scope=scope_of(caller))
    return BookingOut.of(found)


@router.post(
    "/bookings/{booking_id}/cancel",
    response_model=BookingOut,
    responses=problem_responses({404: ["not_found"], 409: ["conflict"]}),
)
async def cancel_booking(booking_id: UUID, runtime: Runtime, caller: Actor) -> BookingOut:
    """Cancel a booking whose day has not passed. Before its day the room credit (B2) or the
    studio slot (B6) comes back, and an auditorium date is credited by billing (B3)."""
    staff = caller.has(Role.STAFF)
    async with runtime.transaction() as uow:
        done = await bookings.cancel(
            uow,
            booking_id,
            reason=CancelReason.STAFF if staff else CancelReason.MEMBER,
            siren_scope=None if staff else scope_of(caller),
        )
    return BookingOut.of(done)


@router.get(
    "/structures/{siren}/credits/{year}",
    response_model=CreditsOut,
    responses=problem_responses({404: ["not_found"]}),
)
async def credits(siren: Siren, year: Year, runtime: Runtime, caller: Reader) -> CreditsOut:
    """B2: the structure's meeting-room credits of a membership year."""
    caller.ensure_structure(siren)
    async with runtime.uow() as uow:
        found = await reads.credits(uow, siren, year)
    return CreditsOut(
        siren=found.siren, year=found.year, allowed=found.allowed, used=found.used, left=found.left
    )
