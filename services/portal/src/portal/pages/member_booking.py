"""The member's booking pages at Pessac: the spaces, a day's free slots, and booking a
meeting room, the auditorium or the Lab Studio with the conditions of B4 shown and attested
(B2–B8). Built on :mod:`portal.clients.booking`, whose shapes follow the booking issue."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from portal.clients import clients_of
from portal.pages.common import clean, today
from portal.parts import Part, part, parts
from portal.rendering import render
from portal.sessions import SignedIn
from portal.web import Member, is_htmx

router = APIRouter(prefix="/adherent/reservations")
TIME = r"^([01]\d|2[0-3]):[0-5]\d$"


async def _page(
    request: Request,
    user: SignedIn,
    *,
    resource_id: str,
    day: date,
    outcome: Part[dict[str, object]] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    assert user.siren is not None
    c = clients_of(request)
    resources, structure, bookings = await parts(
        c.booking.resources(user.token),
        c.membership.structure(user.token, user.siren),
        c.booking.bookings(user.token, siren=user.siren),
    )
    availability = None
    if resource_id:
        availability = await part(c.booking.availability(user.token, resource_id, day.isoformat()))
    establishments = (structure.value or {}).get("establishments") or []
    return render(
        request,
        "member/booking.html",
        {
            "resources": resources,
            "bookings": bookings,
            "availability": availability,
            "resource_id": resource_id,
            "day": day,
            "establishments": establishments,
            "outcome": outcome,
            "values": values or {},
        },
        status=status,
    )


@router.get("")
async def spaces(
    request: Request,
    user: Member,
    espace: Annotated[str, Query(pattern=r"^[A-Za-z0-9_-]{0,64}$")] = "",
    jour: Annotated[date | None, Query()] = None,
) -> Response:
    day = jour or today(request)
    if is_htmx(request) and espace:
        availability = await part(
            clients_of(request).booking.availability(user.token, espace, day.isoformat())
        )
        return render(
            request, "member/availability.html", {"availability": availability, "day": day}
        )
    return await _page(request, user, resource_id=espace, day=day)


@router.post("")
async def book(
    request: Request,
    user: Member,
    resource_id: Annotated[str, Form(pattern=r"^[A-Za-z0-9_-]{1,64}$")],
    day: Annotated[date, Form()],
    start: Annotated[str, Form(pattern=TIME)],
    end: Annotated[str, Form(pattern=TIME)],
    siret: Annotated[str, Form(pattern=r"^\d{14}$")],
    purpose: Annotated[str, Form(max_length=1000)],
    parking_passes: Annotated[int, Form(ge=0, le=50)] = 0,
    object_related: Annotated[str, Form()] = "",
    not_commercial: Annotated[str, Form()] = "",
    not_recurring: Annotated[str, Form()] = "",
) -> Response:
    """Book a space; the service decides B2–B8, the page says why in plain words."""
    values = {
        "resource_id": resource_id,
        "day": day.isoformat(),
        "start": start,
        "end": end,
        "siret": siret,
        "purpose": clean(purpose, 1000),
        "parking_passes": str(parking_passes),
    }
    attested = object_related == "oui" and not_commercial == "oui" and not_recurring == "oui"
    if not attested:
        return await _page(
            request,
            user,
            resource_id=resource_id,
            day=day,
            values={**values, "attest_missing": "1"},
            status=422,
        )
    body = {
        "resource_id": resource_id,
        "siret": siret,
        "day": day.isoformat(),
        "start": start,
        "end": end,
        "purpose": values["purpose"],
        "parking_passes": parking_passes,
        "declarations": {
            "relates_to_agency_object": True,
            "commercial": False,
            "recurring": False,
        },
    }
    outcome = await part(clients_of(request).booking.book(user.token, body))
    return await _page(
        request,
        user,
        resource_id=resource_id,
        day=day,
        outcome=outcome,
        values=values if not outcome.ok else {},
        status=200 if outcome.ok else 422,
    )
