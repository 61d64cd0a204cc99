"""The booking service's API (the Pessac site): resources, availability per day, bookings and
their cancellation, a structure's room credits, the year's terms
(``services/booking/src/booking/api``).

Availability answers ``{resource, days: [{date, open, closed_because, opens_at, closes_at,
free: [{starts_at, ends_at}], booked: [{starts_at, ends_at, booking_id, siren}]}]}`` (the
booking's id and SIREN only for staff and the caller's own); a booking answers the booking with
``credits_left`` (B2) and ``parking`` (B7: passes, price per pass, the TBM terms), or a problem
B1–B8.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from portal.clients.base import PageOf, ServiceClient

PURPOSE_CATEGORIES = (
    "guidance",
    "training",
    "employment",
    "paid_training",
    "paid_event",
    "sales",
    "private_event",
    "other",
)
RESOURCE_KINDS = ("meeting_room", "auditorium", "lab_studio")


class BookingClient(ServiceClient):
    name = "booking"
    label = "les réservations de salles"

    async def resources(
        self, token: str, *, active: bool | None = None, limit: int = 100, offset: int = 0
    ) -> PageOf:
        return await self.page(
            "/resources",
            token,
            active=None if active is None else str(active).lower(),
            limit=limit,
            offset=offset,
        )

    async def availability(
        self, token: str, resource_id: UUID, on: date, days: int = 1
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(
            f"/resources/{resource_id}/availability", token, on=on.isoformat(), days=days
        )
        return result

    async def book(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = await self.post("/bookings", token, body)
        return result

    async def cancel(self, token: str, booking_id: UUID) -> dict[str, Any]:
        result: dict[str, Any] = await self.post(f"/bookings/{booking_id}/cancel", token)
        return result

    async def bookings(
        self,
        token: str,
        *,
        siren: str | None = None,
        resource_id: UUID | None = None,
        starts_on: date | None = None,
        ends_on: date | None = None,
        status: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> PageOf:
        return await self.page(
            "/bookings",
            token,
            siren=siren,
            resource_id=str(resource_id) if resource_id else None,
            status=status,
            limit=limit,
            offset=offset,
            **{
                "from": starts_on.isoformat() if starts_on else None,
                "to": ends_on.isoformat() if ends_on else None,
            },
        )

    async def credits(self, token: str, siren: str, year: int) -> dict[str, Any]:
        """B2: the structure's meeting-room credits of ``year`` (allowed, used, left)."""
        result: dict[str, Any] = await self.get(f"/structures/{siren}/credits/{year}", token)
        return result

    async def policy(self, token: str, year: int) -> dict[str, Any]:
        """The year's terms: room credits (B2), the auditorium's price (B3), studio slots (B6)."""
        result: dict[str, Any] = await self.get(f"/policies/{year}", token)
        return result
