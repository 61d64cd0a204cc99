"""The typed records of frozen documents (F3, F7, F8) at the repository boundary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from billing.documents.render import DocumentKind, References


@dataclass(frozen=True)
class NewDocumentSource:
    """A document frozen when issued: what it says, as JSON (``billing.documents.sources``)."""

    document_id: UUID
    kind: DocumentKind
    number: str
    invoice_id: UUID
    siren: str
    issued_on: date
    public_body: bool
    #: F8: a public body's document lacking a Chorus Pro reference its structure requires.
    awaiting_references: bool
    source: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class StoredFile:
    file_name: str
    media_type: str
    sha256: str
    produced_at: datetime
    #: Empty when the query did not ask for it (lists).
    content: bytes = b""


@dataclass(frozen=True)
class DocumentRecord:
    document_id: UUID
    kind: DocumentKind
    number: str
    invoice_id: UUID
    siren: str
    issued_on: date
    public_body: bool
    awaiting_references: bool
    source: dict[str, Any]
    created_at: datetime
    #: The references finance recorded last (F8), and whether they are all it requires.
    references: References | None = None
    references_complete: bool = False
    file: StoredFile | None = None

    @property
    def waits_for_references(self) -> bool:
        """F8: not made, and not to be made until finance records a missing reference."""
        return self.file is None and self.awaiting_references and not self.references_complete


@dataclass(frozen=True)
class DocumentFilter:
    kinds: tuple[DocumentKind, ...] | None = None
    #: The documents of this invoice (the invoice's own, its credit notes', its reminders').
    invoice_id: UUID | None = None
    siren: str | None = None
    public_body: bool | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    #: True: only the documents waiting for a Chorus Pro reference (F8).
    waiting_for_references: bool | None = None
