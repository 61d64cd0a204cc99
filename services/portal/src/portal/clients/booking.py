"""The booking service's API, as its issue describes it (the service is being built).

Expected: ``GET /resources``, ``GET /resources/{id}/availability?day=``, ``POST /bookings``
→ the booking | a problem B2..B8. Assumed beside them for the pages that list bookings:
``GET /bookings?siren=&day=`` (paged). A route still missing shows the part as unavailable.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from portal.clients.base import PageOf, PlannedServiceClient


class BookingClient(PlannedServiceClient):
    name = "booking"
    label = "les réservations de salles"

    async def resources(self, token: str) -> list[dict[str, Any]]:
        body = await self.get("/resources", token)
        items = body.get("items", []) if isinstance(body, dict) else body
        return list(items)

    async def availability(self, token: str, resource_id: str, day: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(
            f"/resources/{quote(resource_id)}/availability", token, day=day
        )
        return result

    async def book(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = await self.post("/bookings", token, body)
        return result

    async def bookings(
        self,
        token: str,
        *,
        siren: str | None = None,
        day: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> PageOf:
        return await self.page("/bookings", token, siren=siren, day=day, limit=limit, offset=offset)
