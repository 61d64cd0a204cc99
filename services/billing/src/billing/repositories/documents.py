"""Frozen documents (F3, F7, F8): their sources, the references recorded for them, their files.

All three tables are insert-only (a trigger refuses UPDATE and DELETE): a document's source is
written in the transaction that issues it, its file once, the first writer's kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast
from uuid import UUID

import sqlalchemy as sa
from pydantic_core import to_json
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from billing.documents.render import DocumentKind, References, RenderedFile
from billing.repositories.document_records import (
    DocumentFilter,
    DocumentRecord,
    NewDocumentSource,
    StoredFile,
)
from billing.repositories.issuing_sql import INSERT_SOURCES
from billing.tables import document_files, document_references, document_sources

_latest = (
    sa.select(
        document_references.c.siret,
        document_references.c.service_code,
        document_references.c.commitment_number,
        document_references.c.complete,
    )
    .where(document_references.c.document_id == document_sources.c.document_id)
    .order_by(document_references.c.id.desc())
    .limit(1)
    .lateral("latest_references")
)
_JOINED = document_sources.outerjoin(_latest, sa.true()).outerjoin(
    document_files, document_files.c.document_id == document_sources.c.document_id
)
_FILE = (
    document_files.c.file_name,
    document_files.c.media_type,
    document_files.c.sha256,
    document_files.c.produced_at,
)


def _select(*, content: bool) -> sa.Select[Any]:
    columns = [
        *document_sources.c,
        _latest.c.siret.label("ref_siret"),
        _latest.c.service_code.label("ref_service_code"),
        _latest.c.commitment_number.label("ref_commitment_number"),
        _latest.c.complete.label("ref_complete"),
        *_FILE,
    ]
    if content:
        columns.append(document_files.c.content)
    return sa.select(*columns).select_from(_JOINED)


def _record(row: Any) -> DocumentRecord:
    m = row._mapping
    references = None
    if m["ref_complete"] is not None:
        references = References(
            siret=m["ref_siret"],
            service_code=m["ref_service_code"],
            commitment_number=m["ref_commitment_number"],
        )
    file = None
    if m["sha256"] is not None:
        file = StoredFile(
            file_name=m["file_name"],
            media_type=m["media_type"],
            sha256=m["sha256"],
            produced_at=m["produced_at"],
            content=bytes(m["content"]) if "content" in m else b"",
        )
    return DocumentRecord(
        document_id=m["document_id"],
        kind=cast(DocumentKind, m["kind"]),
        number=m["number"],
        invoice_id=m["invoice_id"],
        siren=m["siren"],
        issued_on=m["issued_on"],
        public_body=m["public_body"],
        awaiting_references=m["awaiting_references"],
        source=m["source"],
        created_at=m["created_at"],
        references=references,
        references_complete=bool(m["ref_complete"]),
        file=file,
    )


_WAITING = sa.and_(
    document_files.c.document_id.is_(None),
    document_sources.c.awaiting_references,
    sa.func.coalesce(_latest.c.complete, sa.false()).is_(False),
)


def _where(query: sa.Select[Any], where: DocumentFilter) -> sa.Select[Any]:
    if where.kinds is not None:
        query = query.where(document_sources.c.kind.in_(where.kinds))
    if where.invoice_id is not None:
        query = query.where(document_sources.c.invoice_id == where.invoice_id)
    if where.siren is not None:
        query = query.where(document_sources.c.siren == where.siren)
    if where.public_body is not None:
        query = query.where(document_sources.c.public_body.is_(where.public_body))
    if where.issued_from is not None:
        query = query.where(document_sources.c.issued_on >= where.issued_from)
    if where.issued_to is not None:
        query = query.where(document_sources.c.issued_on <= where.issued_to)
    if where.waiting_for_references is True:
        query = query.where(_WAITING)
    elif where.waiting_for_references is False:
        query = query.where(sa.not_(_WAITING))
    return query


class DocumentRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def add_source(self, source: NewDocumentSource) -> None:
        await self.add_sources([source])

    async def add_sources(self, sources: Sequence[NewDocumentSource]) -> None:
        """Freeze documents (F3): their sources, in one statement."""
        await self.connection.execute(
            INSERT_SOURCES,
            {
                "document_id": [x.document_id for x in sources],
                "kind": [x.kind for x in sources],
                "number": [x.number for x in sources],
                "invoice_id": [x.invoice_id for x in sources],
                "siren": [x.siren for x in sources],
                "issued_on": [x.issued_on for x in sources],
                "public_body": [x.public_body for x in sources],
                "awaiting_references": [x.awaiting_references for x in sources],
                # JSON as pydantic writes it (UTF-8, the jsonb reads it the same as json's)
                "source": [to_json(x.source).decode() for x in sources],
                "created_at": [x.created_at for x in sources],
            },
        )

    async def get_document(
        self, document_id: UUID, *, content: bool = True
    ) -> DocumentRecord | None:
        query = _select(content=content).where(document_sources.c.document_id == document_id)
        row = (await self.connection.execute(query)).first()
        return _record(row) if row else None

    async def invoice_document(self, invoice_id: UUID) -> DocumentRecord | None:
        """The document of the invoice itself (not of its credit notes or reminders)."""
        query = _select(content=False).where(
            document_sources.c.document_id == invoice_id, document_sources.c.kind == "invoice"
        )
        row = (await self.connection.execute(query)).first()
        return _record(row) if row else None

    async def list_documents(
        self, where: DocumentFilter, *, content: bool = False
    ) -> list[DocumentRecord]:
        query = _where(_select(content=content), where).order_by(
            document_sources.c.kind, document_sources.c.number
        )
        return [_record(r) for r in await self.connection.execute(query)]

    async def claim_producible(
        self, limit: int, where: DocumentFilter | None = None
    ) -> list[DocumentRecord]:
        """Documents to make (no file yet, nothing awaited), locked: another producer skips
        them until this transaction ends."""
        query = (
            _where(_select(content=False), where or DocumentFilter())
            .where(document_files.c.document_id.is_(None), sa.not_(_WAITING))
            .order_by(document_sources.c.created_at, document_sources.c.number)
            .limit(limit)
            .with_for_update(of=document_sources, skip_locked=True)
        )
        for _ in range(3):
            claimed = [_record(r) for r in await self.connection.execute(query)]
            if not claimed:
                return []
            # a row whose lock a producer released by committing its file is locked here
            # without the join being read again: drop those, as a new statement sees them
            made = await self.connection.execute(
                sa.select(document_files.c.document_id).where(
                    document_files.c.document_id.in_([d.document_id for d in claimed])
                )
            )
            done = set(made.scalars())
            left = [d for d in claimed if d.document_id not in done]
            if left:
                return left
        return []

    async def store_file(self, document_id: UUID, file: RenderedFile, at: datetime) -> bool:
        """The document's file, unless one is stored already (the first is kept)."""
        result = await self.connection.execute(
            pg_insert(document_files)
            .values(
                document_id=document_id,
                file_name=file.file_name,
                media_type=file.media_type,
                content=file.content,
                sha256=file.sha256,
                produced_at=at,
            )
            .on_conflict_do_nothing(index_elements=[document_files.c.document_id])
            .returning(document_files.c.document_id)
        )
        return result.first() is not None

    async def add_references(
        self,
        document_id: UUID,
        references: References,
        *,
        complete: bool,
        at: datetime,
        by: str,
    ) -> None:
        await self.connection.execute(
            sa.insert(document_references).values(
                document_id=document_id,
                siret=references.siret,
                service_code=references.service_code,
                commitment_number=references.commitment_number,
                complete=complete,
                recorded_at=at,
                recorded_by=by,
            )
        )
