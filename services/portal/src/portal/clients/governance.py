"""Membership's governance API (M11): the General Assembly, the extranet, the open badges
(``services/membership/src/membership/api/{assemblies,extranet,badges}.py``).

An assembly is ``convened`` → ``open`` (on its day, the quorum recorded) → ``closed`` (the
attendance sheet and the proxy list frozen). Staff and the board read every answer, proxy and
signature; a member reads its own ``answer`` only.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from portal.clients.base import Download, PageOf, ServiceClient

ASSEMBLY_STATES = ("convened", "open", "closed")
DOCUMENT_KINDS = ("assembly", "statutes", "events")
#: The files the extranet takes, by their name's ending.
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}


class GovernanceCalls(ServiceClient):
    """The governance routes of the membership service."""

    # -- the General Assembly -------------------------------------------------------------------

    async def assemblies(
        self, token: str, *, state: str | None = None, limit: int = 20, offset: int = 0
    ) -> PageOf:
        return await self.page("/assemblies", token, state=state, limit=limit, offset=offset)

    async def assembly(self, token: str, assembly_id: UUID) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(f"/assemblies/{assembly_id}", token)
        return result

    async def convene(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = await self.post("/assemblies", token, body)
        return result

    async def answer(
        self, token: str, assembly_id: UUID, siren: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        """``{answer: attend, representative}`` or ``{answer: proxy, holder_siren}``."""
        result: dict[str, Any] = await self.json(
            "PUT", f"/assemblies/{assembly_id}/answers/{siren}", token, json=body
        )
        return result

    async def withdraw_proxy(self, token: str, assembly_id: UUID, siren: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.json(
            "DELETE", f"/assemblies/{assembly_id}/answers/{siren}/proxy", token
        )
        return result

    async def quorum(self, token: str, assembly_id: UUID) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(f"/assemblies/{assembly_id}/quorum", token)
        return result

    async def sign_in_attendee(
        self, token: str, assembly_id: UUID, siren: str, representative: dict[str, Any]
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self.post(
            f"/assemblies/{assembly_id}/attendance",
            token,
            {"siren": siren, "representative": representative},
        )
        return result

    async def open_assembly(self, token: str, assembly_id: UUID) -> dict[str, Any]:
        result: dict[str, Any] = await self.post(f"/assemblies/{assembly_id}/open", token)
        return result

    async def close_assembly(self, token: str, assembly_id: UUID) -> dict[str, Any]:
        result: dict[str, Any] = await self.post(f"/assemblies/{assembly_id}/close", token)
        return result

    async def assembly_record(
        self, token: str, assembly_id: UUID, record: str, file_format: str
    ) -> Download:
        return await self.download(
            f"/assemblies/{assembly_id}/records/{record}.{file_format}",
            token,
            f"{record}.{file_format}",
        )

    async def award_assembly_badges(self, token: str, assembly_id: UUID) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self.post(f"/assemblies/{assembly_id}/badges", token)
        return result

    # -- the extranet ---------------------------------------------------------------------------

    async def documents(
        self,
        token: str,
        *,
        assembly_id: UUID | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> PageOf:
        return await self.page(
            "/extranet/documents",
            token,
            assembly_id=str(assembly_id) if assembly_id else None,
            limit=limit,
            offset=offset,
        )

    async def publish(
        self,
        token: str,
        *,
        kind: str,
        title: str,
        filename: str,
        media_type: str,
        content: bytes,
        assembly_id: UUID | None = None,
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self.json(
            "POST",
            "/extranet/documents",
            token,
            params={
                "kind": kind,
                "title": title,
                "filename": filename,
                "assembly_id": str(assembly_id) if assembly_id else None,
            },
            content=content,
            content_type=media_type,
        )
        return result

    async def withdraw_document(self, token: str, document_id: UUID, reason: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.post(
            f"/extranet/documents/{document_id}/withdraw", token, {"reason": reason}
        )
        return result

    async def document_content(self, token: str, document_id: UUID) -> Download:
        return await self.download(
            f"/extranet/documents/{document_id}/content", token, f"document-{document_id}"
        )

    # -- the open badges ------------------------------------------------------------------------

    async def badges(
        self, token: str, *, siren: str | None = None, limit: int = 20, offset: int = 0
    ) -> PageOf:
        return await self.page("/badges", token, siren=siren, limit=limit, offset=offset)

    async def badge(self, token: str, award_id: UUID) -> dict[str, Any]:
        """The badge with its signed credential (``credential``: a VC-JWT)."""
        result: dict[str, Any] = await self.get(f"/badges/{award_id}", token)
        return result

    async def member_of_the_year(self, token: str, siren: str, year: int) -> dict[str, Any]:
        result: dict[str, Any] = await self.post(
            "/badges/member-of-the-year", token, {"siren": siren, "year": year}
        )
        return result
