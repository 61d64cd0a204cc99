"""The membership service's API (structures, applications, memberships, rights; the
governance routes in :mod:`portal.clients.governance`)."""

from __future__ import annotations

from typing import Any

from portal.clients.base import PageOf
from portal.clients.governance import GovernanceCalls


class MembershipClient(GovernanceCalls):
    name = "membership"
    label = "les adhésions"

    async def structure(self, token: str, siren: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(f"/structures/{siren}", token)
        return result

    async def search_structures(
        self,
        token: str,
        *,
        name: str | None,
        siren: str | None,
        commune: str | None,
        limit: int,
        offset: int,
    ) -> PageOf:
        return await self.page(
            "/structures",
            token,
            name=name,
            siren=siren,
            commune=commune,
            limit=limit,
            offset=offset,
        )

    async def register_structure(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = await self.post("/structures", token, body)
        return result

    async def memberships_of(self, token: str, siren: str) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self.get(f"/structures/{siren}/memberships", token)
        return result

    async def applications_of(self, token: str, siren: str) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self.get(f"/structures/{siren}/applications", token)
        return result

    async def rights(self, token: str, identifier: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(f"/rights/{identifier}", token)
        return result

    async def tariffs(self, token: str) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self.get("/tariffs", token)
        return result

    async def apply(
        self, token: str, *, siren: str, year: int, plan: str, texts: dict[str, str] | None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"siren": siren, "year": year, "plan": plan}
        if texts:
            body["texts"] = texts
        result: dict[str, Any] = await self.post("/applications", token, body)
        return result

    async def upgrade(self, token: str, siren: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.post(
            f"/structures/{siren}/upgrade", token, {"plan": "premium"}
        )
        return result

    async def pending_applications(self, token: str, *, limit: int, offset: int) -> PageOf:
        return await self.page("/applications", token, limit=limit, offset=offset)

    async def application(self, token: str, application_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(f"/applications/{application_id}", token)
        return result

    async def approve(self, token: str, application_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.post(f"/applications/{application_id}/approve", token)
        return result

    async def reject(self, token: str, application_id: str, reason: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.post(
            f"/applications/{application_id}/reject", token, {"reason": reason}
        )
        return result

    async def renewals(self, token: str, year: int) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(f"/reports/renewals/{year}", token)
        return result
