"""The training service's API, as its issue describes it (the service is being built).

Expected: ``GET /sessions`` (paged; filters ``type``, ``month``, ``place``, ``remote``),
``GET /sessions/{id}``, ``POST /sessions/{id}/enrollments`` ``{employee_name, email, siret}``
→ ``{status: confirmed}`` | ``{status: waitlisted, position, reason}`` | a problem T2/T3/T6/T10,
``GET /employees/{email}/allowance?year=``, ``POST /enrollments/{id}/withdraw``. For the staff
pages and a structure's page, assumed beside them: ``GET /sessions/{id}/enrollments`` (the
roster and the waiting list), ``POST /enrollments/{id}/attendance`` ``{outcome}`` and
``GET /enrollments?siren=``. A route still missing shows the part as unavailable.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from portal.clients.base import PageOf, PlannedServiceClient

ATTENDANCE = ("present", "absent_justified", "absent_unjustified")


class TrainingClient(PlannedServiceClient):
    name = "training"
    label = "les formations ParcoursPro"

    async def sessions(
        self,
        token: str,
        *,
        type_: str | None = None,
        month: str | None = None,
        place: str | None = None,
        remote: bool | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> PageOf:
        return await self.page(
            "/sessions",
            token,
            type=type_,
            month=month,
            place=place,
            remote=None if remote is None else str(remote).lower(),
            limit=limit,
            offset=offset,
        )

    async def session(self, token: str, session_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(f"/sessions/{quote(session_id)}", token)
        return result

    async def enrol(
        self, token: str, session_id: str, *, employee_name: str, email: str, siret: str
    ) -> dict[str, Any]:
        body = {"employee_name": employee_name, "email": email, "siret": siret}
        result: dict[str, Any] = await self.post(
            f"/sessions/{quote(session_id)}/enrollments", token, body
        )
        return result

    async def allowance(self, token: str, email: str, year: int) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(
            f"/employees/{quote(email, safe='')}/allowance", token, year=year
        )
        return result

    async def withdraw(self, token: str, enrollment_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.post(
            f"/enrollments/{quote(enrollment_id)}/withdraw", token
        )
        return result

    async def roster(self, token: str, session_id: str) -> list[dict[str, Any]]:
        body = await self.get(f"/sessions/{quote(session_id)}/enrollments", token)
        items = body.get("items", []) if isinstance(body, dict) else body
        return list(items)

    async def record_attendance(
        self, token: str, enrollment_id: str, outcome: str
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self.post(
            f"/enrollments/{quote(enrollment_id)}/attendance", token, {"outcome": outcome}
        )
        return result

    async def enrollments_of(
        self, token: str, siren: str, *, limit: int = 50, offset: int = 0
    ) -> PageOf:
        return await self.page("/enrollments", token, siren=siren, limit=limit, offset=offset)
