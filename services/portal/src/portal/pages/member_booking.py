"""The member's booking pages at Pessac: the spaces and a day's free ranges, booking a meeting
room, the auditorium or the Lab Studio with the conditions of B4 shown and attested, the
year's credits (B2) and the auditorium's price (B3), the TBM parking terms with the answer
(B7), the structure's bookings to come and cancelling one."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from portal.clients import clients_of
from portal.clients.booking import PURPOSE_CATEGORIES
from portal.pages.common import PageNumber, clean, offset_of, tell, today
from portal.parts import Part, part, parts
from portal.rendering import render
from portal.sessions import SignedIn
from portal.web import Member

router = APIRouter(prefix="/adherent/reservations")
HOME = "/adherent/reservations"
TIME = r"^([01]\d|2[0-3]):[0-5]\d$"
PER_PAGE = 20


def _resource_of(resources: Part[Any], resource_id: UUID | None) -> UUID | None:
    """The space asked for, else the first one the service lists."""
    items = resources.value.items if resources.value else []
    if resource_id is not None or not items:
        return resource_id
    return UUID(str(items[0]["id"]))


async def _page(
    request: Request,
    user: SignedIn,
    *,
    resource_id: UUID | None,
    day: date,
    page: int = 1,
    outcome: Part[dict[str, Any]] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    assert user.siren is not None
    booking = clients_of(request).booking
    year = day.year
    resources, bookings, credits, policy = await parts(
        booking.resources(user.token, active=True),
        booking.bookings(
            user.token,
            siren=user.siren,
            starts_on=today(request),
            limit=PER_PAGE,
            offset=offset_of(page, PER_PAGE),
        ),
        booking.credits(user.token, user.siren, year),
        booking.policy(user.token, year),
    )
    chosen = _resource_of(resources, resource_id)
    availability = None
    if chosen is not None:
        availability = await part(booking.availability(user.token, chosen, day))
    return render(
        request,
        "member/booking.html",
        {
            "resources": resources,
            "bookings": bookings,
            "credits": credits,
            "policy": policy,
            "availability": availability,
            "resource_id": str(chosen or ""),
            "day": day,
            "year": year,
            "categories": PURPOSE_CATEGORIES,
            "outcome": outcome,
            "values": values or {},
        },
        status=status,
    )


@router.get("")
async def spaces(
    request: Request,
    user: Member,
    espace: Annotated[UUID | None, Query()] = None,
    jour: Annotated[date | None, Query()] = None,
    page: PageNumber = 1,
) -> Response:
    return await _page(request, user, resource_id=espace, day=jour or today(request), page=page)


@router.get("/disponibilites")
async def free_ranges(
    request: Request,
    user: Member,
    resource_id: Annotated[UUID, Query()],
    day: Annotated[date | None, Query()] = None,
) -> Response:
    """The fragment htmx swaps in when the space or the date changes."""
    on = day or today(request)
    found = await part(clients_of(request).booking.availability(user.token, resource_id, on))
    return render(request, "member/availability.html", {"availability": found, "day": on})


@router.post("")
async def book(
    request: Request,
    user: Member,
    resource_id: Annotated[UUID, Form()],
    day: Annotated[date, Form()],
    start: Annotated[str, Form(pattern=TIME)],
    end: Annotated[str, Form(pattern=TIME)],
    purpose: Annotated[str, Form(max_length=500)],
    purpose_category: Annotated[str, Form(pattern=f"^({'|'.join(PURPOSE_CATEGORIES)})$")],
    attendance: Annotated[int, Form(ge=1, le=2000)],
    parking_passes: Annotated[int, Form(ge=0, le=2000)] = 0,
    participant_email: Annotated[str, Form(max_length=254)] = "",
    not_commercial: Annotated[str, Form()] = "",
    not_recurring: Annotated[str, Form()] = "",
) -> Response:
    """Book a space for the member's structure; the service decides B1–B8 and the page says
    why in plain words."""
    assert user.siren is not None
    values = {
        "resource_id": str(resource_id),
        "day": day.isoformat(),
        "start": start,
        "end": end,
        "purpose": clean(purpose, 500),
        "purpose_category": purpose_category,
        "attendance": str(attendance),
        "parking_passes": str(parking_passes),
        "participant_email": clean(participant_email, 254),
    }
    if not (not_commercial == "oui" and not_recurring == "oui"):
        return await _page(
            request,
            user,
            resource_id=resource_id,
            day=day,
            values={**values, "attest_missing": "1"},
            status=422,
        )
    body = {
        "siren": user.siren,
        "resource_id": str(resource_id),
        "date": day.isoformat(),
        "starts_at": start,
        "ends_at": end,
        "purpose": values["purpose"],
        "purpose_category": purpose_category,
        "commercial": False,
        "recurrence": "none",
        "attendance": attendance,
        "parking_passes": parking_passes,
        "participant_email": values["participant_email"] or None,
    }
    outcome = await part(clients_of(request).booking.book(user.token, body))
    return await _page(
        request,
        user,
        resource_id=resource_id,
        day=day,
        outcome=outcome,
        values={} if outcome.ok else values,
        status=200 if outcome.ok else 422,
    )


@router.post("/{booking_id}/annulation")
async def cancel(request: Request, user: Member, booking_id: Annotated[UUID, Path()]) -> Response:
    """Cancel a booking until its day; before it, the credit comes back (B2, B6) and an
    auditorium date is credited (B3)."""
    result = await part(clients_of(request).booking.cancel(user.token, booking_id))
    given_back = bool((result.value or {}).get("credit_returned"))
    tell(
        request,
        result,
        done="Réservation annulée"
        + (
            " : elle est rendue à votre crédit de l'année (pour l'auditorium, un avoir suit)."
            if given_back
            else " le jour même : elle reste comptée."
        ),
        undone="Réservation non annulée",
    )
    return RedirectResponse(HOME, 303)
