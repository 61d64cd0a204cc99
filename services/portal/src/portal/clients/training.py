"""The training service's API (ParcoursPro): the catalogue, pre-registrations, withdrawals,
attendance, and a structure's and an employee's view (``services/training/src/training/api``).

A session's listing carries ``remaining_places`` and ``waiting``; a registration answers
``{outcome: confirmed | waiting, position, waiting_reason: full | T4, enrollment}`` or a problem
(T1, T2, T3, T6, T8, T10); an enrollment's ``status`` is ``confirmed``, ``waiting``,
``withdrawn`` or ``cancelled``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from uuid import UUID

from portal.clients.base import Download, PageOf, ServiceClient

ATTENDANCE = ("present", "absent_justified", "absent_unjustified")
ACTION_TYPES = ("training", "self_training", "innovation_lab")


class TrainingClient(ServiceClient):
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
        include_closed: bool = False,
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
            include_closed="true" if include_closed else None,
            limit=limit,
            offset=offset,
        )

    async def session(self, token: str, session_id: UUID) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(f"/sessions/{session_id}", token)
        return result

    async def actions(self, token: str, *, limit: int = 100, offset: int = 0) -> PageOf:
        return await self.page("/actions", token, limit=limit, offset=offset)

    async def create_action(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = await self.post("/actions", token, body)
        return result

    async def create_session(
        self, token: str, action_id: UUID, body: dict[str, Any]
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self.post(f"/actions/{action_id}/sessions", token, body)
        return result

    async def enrol(
        self,
        token: str,
        session_id: UUID,
        *,
        first_name: str,
        last_name: str,
        email: str,
        siret: str,
    ) -> dict[str, Any]:
        body = {"first_name": first_name, "last_name": last_name, "email": email, "siret": siret}
        result: dict[str, Any] = await self.post(f"/sessions/{session_id}/enrollments", token, body)
        return result

    async def employee_year(self, token: str, email: str, year: int) -> dict[str, Any]:
        """T3: what counted for the employee in ``year``, and what remains."""
        segment = quote(email, safe="@")  # a path segment: ``/``, ``?`` or ``#`` escaped
        result: dict[str, Any] = await self.get(f"/employees/{segment}/years/{year}", token)
        return result

    async def withdraw(self, token: str, enrollment_id: UUID) -> dict[str, Any]:
        result: dict[str, Any] = await self.post(f"/enrollments/{enrollment_id}/withdraw", token)
        return result

    async def roster(self, token: str, session_id: UUID) -> dict[str, Any]:
        """Staff: ``{session, places, waiting}``, the waiting list in its order."""
        result: dict[str, Any] = await self.get(f"/sessions/{session_id}/roster", token)
        return result

    async def cancel_session(self, token: str, session_id: UUID, reason: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.post(
            f"/sessions/{session_id}/cancel", token, {"reason": reason}
        )
        return result

    async def roster_csv(self, token: str, session_id: UUID) -> Download:
        return await self.download(
            f"/sessions/{session_id}/roster.csv", token, f"session-{session_id}.csv"
        )

    async def record_attendance(
        self, token: str, enrollment_id: UUID, attendance: str
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self.json(
            "PUT",
            f"/enrollments/{enrollment_id}/attendance",
            token,
            json={"attendance": attendance},
        )
        return result

    async def enrollments_of(
        self,
        token: str,
        siren: str,
        *,
        statuses: tuple[str, ...] = (),
        limit: int = 50,
        offset: int = 0,
    ) -> PageOf:
        return await self.page(
            f"/structures/{siren}/enrollments",
            token,
            status=list(statuses) or None,
            limit=limit,
            offset=offset,
        )
