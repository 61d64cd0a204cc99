"""Queries of the governing bodies' extranet (M11): documents, their versions and bytes, and the
download log."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from membership.governance.extranet import Document, DocumentKind, DocumentVersion, DownloadRecord
from membership.records import DocumentFile, DocumentRecord, DownloadLine, Listing
from membership.repository.rows import all_rows, count, one, reader
from membership.tables import extranet_document_versions, extranet_documents, extranet_downloads
from shared.errors import Conflict

_download = reader(DownloadLine)
_VERSION_COLUMNS = [c for c in extranet_document_versions.c if c.name != "content"]


def _version(row: sa.RowMapping) -> DocumentVersion:
    return DocumentVersion(
        number=row["number"],
        filename=row["filename"],
        media_type=row["media_type"],
        size=row["size"],
        sha256=row["sha256"],
        uploaded_at=row["uploaded_at"],
        uploaded_by=row["uploaded_by"],
    )


def _version_values(document_id: UUID, version: DocumentVersion, content: bytes) -> dict[str, Any]:
    return {
        "document_id": document_id,
        "number": version.number,
        "filename": version.filename,
        "media_type": version.media_type,
        "size": version.size,
        "sha256": version.sha256,
        "content": content,
        "uploaded_at": version.uploaded_at,
        "uploaded_by": version.uploaded_by,
    }


class ExtranetRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def add_document(self, document: Document, content: bytes) -> DocumentRecord:
        """A new document and its first version's bytes."""
        first = document.current
        await self.connection.execute(
            sa.insert(extranet_documents).values(
                id=document.id,
                kind=document.kind.value,
                title=document.title,
                assembly_id=document.assembly_id,
                published_at=first.uploaded_at,
                published_by=first.uploaded_by,
            )
        )
        await self.add_version(document.id, first, content)
        record = await self.document(document.id)
        assert record is not None
        return record

    async def add_version(
        self, document_id: UUID, version: DocumentVersion, content: bytes
    ) -> None:
        await self.connection.execute(
            sa.insert(extranet_document_versions).values(
                **_version_values(document_id, version, content)
            )
        )

    async def document(
        self, document_id: UUID, *, for_update: bool = False
    ) -> DocumentRecord | None:
        """The document with its versions; ``for_update`` serialises its replacements."""
        query = sa.select(extranet_documents).where(extranet_documents.c.id == document_id)
        row = await one(self.connection, query.with_for_update() if for_update else query)
        if row is None:
            return None
        return (await self._records([row]))[0]

    async def save_withdrawal(self, record: DocumentRecord, withdrawn: Document, by: str) -> None:
        """Mark the document withdrawn, refused if its row moved meanwhile."""
        version = extranet_documents.c.version
        row = await one(
            self.connection,
            sa.update(extranet_documents)
            .where(extranet_documents.c.id == withdrawn.id, version == record.version)
            .values(
                withdrawn_at=withdrawn.withdrawn_at,
                withdrawal_reason=withdrawn.withdrawal_reason,
                withdrawn_by=by,
                version=version + 1,
            )
            .returning(version),
        )
        if row is None:
            raise Conflict("The document changed meanwhile; try again.")

    async def list_documents(
        self,
        *,
        kinds: Collection[DocumentKind] = (),
        assembly_id: UUID | None = None,
        include_withdrawn: bool,
        limit: int,
        offset: int,
    ) -> Listing[DocumentRecord]:
        """Documents by kind, then title (the order :func:`extranet.visible` gives)."""
        query = sa.select(extranet_documents)
        if kinds:
            query = query.where(extranet_documents.c.kind.in_([k.value for k in kinds]))
        if assembly_id is not None:
            query = query.where(extranet_documents.c.assembly_id == assembly_id)
        if not include_withdrawn:
            query = query.where(extranet_documents.c.withdrawn_at.is_(None))
        total = await count(self.connection, query)
        rows = await all_rows(
            self.connection,
            query.order_by(
                extranet_documents.c.kind,
                extranet_documents.c.title,
                sa.cast(extranet_documents.c.id, sa.Text),
            )
            .limit(limit)
            .offset(offset),
        )
        return Listing(await self._records(rows), total)

    async def in_force(self, document_ids: Collection[UUID]) -> set[UUID]:
        """Which of ``document_ids`` exist and are not withdrawn."""
        if not document_ids:
            return set()
        rows = await all_rows(
            self.connection,
            sa.select(extranet_documents.c.id).where(
                extranet_documents.c.id.in_(list(document_ids)),
                extranet_documents.c.withdrawn_at.is_(None),
            ),
        )
        return {r["id"] for r in rows}

    async def file(self, document_id: UUID, number: int) -> DocumentFile | None:
        row = await one(
            self.connection,
            sa.select(extranet_document_versions).where(
                extranet_document_versions.c.document_id == document_id,
                extranet_document_versions.c.number == number,
            ),
        )
        return None if row is None else DocumentFile(_version(row), row["content"])

    # -- the download log ----------------------------------------------------------------------

    async def log_download(self, record: DownloadRecord, id: UUID) -> None:
        await self.connection.execute(
            sa.insert(extranet_downloads).values(
                id=id,
                document_id=record.document_id,
                version=record.version,
                sha256=record.sha256,
                subject=record.subject,
                siren=record.siren,
                downloaded_at=record.at,
            )
        )

    async def downloads(
        self,
        *,
        document_id: UUID | None = None,
        siren: str | None = None,
        since: datetime | None = None,
        limit: int,
        offset: int,
    ) -> Listing[DownloadLine]:
        """The log, the latest first."""
        query = sa.select(extranet_downloads, extranet_documents.c.title).join(
            extranet_documents, extranet_documents.c.id == extranet_downloads.c.document_id
        )
        if document_id is not None:
            query = query.where(extranet_downloads.c.document_id == document_id)
        if siren is not None:
            query = query.where(extranet_downloads.c.siren == siren)
        if since is not None:
            query = query.where(extranet_downloads.c.downloaded_at >= since)
        total = await count(self.connection, query)
        rows = await all_rows(
            self.connection,
            query.order_by(extranet_downloads.c.downloaded_at.desc(), extranet_downloads.c.id)
            .limit(limit)
            .offset(offset),
        )
        return Listing([_download(r) for r in rows], total)

    # -- reading -------------------------------------------------------------------------------

    async def _records(self, rows: Collection[sa.RowMapping]) -> list[DocumentRecord]:
        ids = [r["id"] for r in rows]
        versions: dict[UUID, list[DocumentVersion]] = {i: [] for i in ids}
        if ids:
            for v in await all_rows(
                self.connection,
                sa.select(*_VERSION_COLUMNS)
                .where(extranet_document_versions.c.document_id.in_(ids))
                .order_by(extranet_document_versions.c.number),
            ):
                versions[v["document_id"]].append(_version(v))
        return [
            DocumentRecord(
                Document(
                    id=r["id"],
                    kind=DocumentKind(r["kind"]),
                    title=r["title"],
                    versions=tuple(versions[r["id"]]),
                    assembly_id=r["assembly_id"],
                    withdrawn_at=r["withdrawn_at"],
                    withdrawal_reason=r["withdrawal_reason"],
                ),
                r["published_at"],
                r["published_by"],
                r["withdrawn_by"],
                r["version"],
            )
            for r in rows
        ]
