"""The governing bodies' extranet (M11): member-only documents, their versions, the download log.

Access is an entitlement of every member: a structure active or in grace (M4) on the day reads
it, a structure without member status does not — from the day its membership lapses
(``lapsed_on``, the first day without status) on. Membership decides the status; this module
reads it as the ``member`` flag of a :class:`Reader`. Agency staff and the board always read it.

Documents (**decisions**): three kinds — a General Assembly's documents (each names its
assembly), the statutes and how the bodies work, and the association's events. Replacing a
document adds a version: members see and download the current one, staff every version.
A withdrawn document disappears for members (404, as if it never existed: nothing in it is
theirs any more) and stays for staff, for the record. Every download is logged.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from membership.governance.settings import GovernanceSettings
from shared.errors import Conflict, InvalidInput, NotFound, RuleViolated, TooLarge
from shared.projections.member_status import MemberStatus

#: What the extranet accepts: office documents and PDFs, images for event material.
MEDIA_TYPES = frozenset(
    {
        "application/pdf",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "image/png",
        "image/jpeg",
    }
)
_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)


class DocumentKind(StrEnum):
    #: Convocation, reports, minutes of a General Assembly.
    ASSEMBLY = "assembly"
    #: Statutes, internal rules, how the governing bodies work.
    STATUTES = "statutes"
    #: The association's events.
    EVENTS = "events"


@dataclass(frozen=True)
class Reader:
    """Who opens the extranet: agency staff or the board, or a member structure's user."""

    subject: str
    #: The structure the user acts for; None for the agency's staff and board.
    siren: str | None = None
    #: Member (active or in grace) today, as membership decides it; ignored for the agency.
    member: bool = False

    @classmethod
    def agency(cls, subject: str) -> Reader:
        return cls(subject)

    @classmethod
    def of_structure(cls, subject: str, status: MemberStatus) -> Reader:
        return cls(subject, status.siren, status.member)

    @property
    def is_agency(self) -> bool:
        return self.siren is None


def ensure_access(reader: Reader, on: date) -> None:
    """M11: members only (active or in grace on ``on``); staff and board always."""
    if reader.is_agency or reader.member:
        return
    raise RuleViolated(
        "M11",
        f"The governing bodies' extranet is for members: structure {reader.siren} has no member "
        f"status on {on}. Renewing its membership restores access.",
        siren=reader.siren,
        day=on.isoformat(),
    )


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class DocumentVersion:
    number: int
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    uploaded_by: str


@dataclass(frozen=True)
class Document:
    id: UUID
    kind: DocumentKind
    title: str
    versions: tuple[DocumentVersion, ...]
    #: The assembly an assembly document belongs to.
    assembly_id: UUID | None = None
    withdrawn_at: datetime | None = None
    withdrawal_reason: str | None = None

    @property
    def current(self) -> DocumentVersion:
        return self.versions[-1]

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def version(self, number: int) -> DocumentVersion:
        for version in self.versions:
            if version.number == number:
                return version
        raise NotFound("Version", f"{number} of document {self.id}")


def _version(
    number: int, file: UploadedFile, at: datetime, by: str, settings: GovernanceSettings
) -> DocumentVersion:
    if file.media_type not in MEDIA_TYPES:
        raise InvalidInput(
            f"The extranet takes PDFs, office documents and images, not {file.media_type}.",
            media_type=file.media_type,
        )
    if not file.content:
        raise InvalidInput("The file is empty.")
    if len(file.content) > settings.extranet_max_file_bytes:
        raise TooLarge(
            f"The file is {len(file.content)} bytes; the extranet takes at most "
            f"{settings.extranet_max_file_bytes}.",
            limit=settings.extranet_max_file_bytes,
        )
    name = _UNSAFE.sub("_", file.filename.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    if not name:
        raise InvalidInput("Give the file a name.")
    return DocumentVersion(
        number=number,
        filename=name[:200],
        media_type=file.media_type,
        size=len(file.content),
        sha256=hashlib.sha256(file.content).hexdigest(),
        uploaded_at=at,
        uploaded_by=by,
    )


def publish(
    *,
    id: UUID,
    kind: DocumentKind,
    title: str,
    file: UploadedFile,
    at: datetime,
    by: str,
    settings: GovernanceSettings,
    assembly_id: UUID | None = None,
) -> Document:
    """A new document, version 1. An assembly document names its assembly; no other does."""
    if not title.strip():
        raise InvalidInput("Give the document a title.")
    if (kind is DocumentKind.ASSEMBLY) != (assembly_id is not None):
        raise InvalidInput(
            "An assembly document names its assembly, and only assembly documents do."
        )
    return Document(
        id=id,
        kind=kind,
        title=title.strip(),
        versions=(_version(1, file, at, by, settings),),
        assembly_id=assembly_id,
    )


def replace_file(
    document: Document, file: UploadedFile, *, at: datetime, by: str, settings: GovernanceSettings
) -> Document:
    """A new version that becomes the current one; the earlier ones are kept."""
    if document.withdrawn:
        raise Conflict(f"Document {document.id} was withdrawn: publish a new one.")
    version = _version(document.current.number + 1, file, at, by, settings)
    if version.sha256 == document.current.sha256:
        raise Conflict(
            f"This file is version {document.current.number} of the document already.",
            version=document.current.number,
        )
    return replace(document, versions=(*document.versions, version))


def withdraw(document: Document, *, at: datetime, reason: str) -> Document:
    if document.withdrawn:
        raise Conflict(f"Document {document.id} is already withdrawn.")
    if not reason.strip():
        raise InvalidInput("Say why the document is withdrawn.")
    return replace(document, withdrawn_at=at, withdrawal_reason=reason.strip())


def visible(reader: Reader, documents: Iterable[Document], on: date) -> list[Document]:
    """What the reader lists: members the documents in force, the agency every one."""
    ensure_access(reader, on)
    shown = [d for d in documents if reader.is_agency or not d.withdrawn]
    return sorted(shown, key=lambda d: (d.kind, d.title, str(d.id)))


@dataclass(frozen=True)
class DownloadRecord:
    """A line of the download log."""

    document_id: UUID
    version: int
    sha256: str
    subject: str
    siren: str | None
    at: datetime


def download(
    reader: Reader, document: Document, *, at: datetime, version: int | None = None
) -> tuple[DocumentVersion, DownloadRecord]:
    """The version to serve and the log line to store with it."""
    ensure_access(reader, at.date())
    if not reader.is_agency:
        if document.withdrawn:
            raise NotFound("Document", document.id)
        if version is not None and version != document.current.number:
            raise NotFound("Version", f"{version} of document {document.id}")
    served = document.current if version is None else document.version(version)
    record = DownloadRecord(
        document.id, served.number, served.sha256, reader.subject, reader.siren, at
    )
    return served, record
