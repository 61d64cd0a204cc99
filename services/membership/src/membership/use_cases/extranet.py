"""The governing bodies' extranet (M11): staff publish, replace and withdraw documents; members
(active or in grace on the day) list and download them, each download logged.

A member's access is its member status today, as membership decides it
(:func:`membership.use_cases.electorate.member_on`, the rule the extranet right of
``/rights`` follows): refused from the day its membership lapses.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from uuid import UUID

from membership.governance import extranet
from membership.governance.extranet import DocumentKind, Reader, UploadedFile
from membership.governance.settings import GovernanceSettings
from membership.records import DocumentFile, DocumentRecord, Listing
from membership.use_cases.assemblies import assembly_of
from membership.use_cases.electorate import member_on
from membership.use_cases.ports import MembershipUoW
from shared.errors import NotFound


async def reader_of(uow: MembershipUoW, subject: str, siren: str | None) -> Reader:
    """The agency (``siren`` None: staff, the board), or a structure's user with its status
    today."""
    if siren is None:
        return Reader.agency(subject)
    return Reader(subject, siren, await member_on(uow, siren, uow.clock.today()))


async def document_of(
    uow: MembershipUoW, document_id: UUID, *, lock: bool = False
) -> DocumentRecord:
    record = await uow.extranet.document(document_id, for_update=lock)
    if record is None:
        raise NotFound("Document", document_id)
    return record


async def publish(
    uow: MembershipUoW,
    *,
    kind: DocumentKind,
    title: str,
    file: UploadedFile,
    settings: GovernanceSettings,
    by: str,
    assembly_id: UUID | None = None,
) -> DocumentRecord:
    """A new document, version 1; an assembly document names an assembly that exists."""
    if assembly_id is not None:
        await assembly_of(uow, assembly_id)
    document = extranet.publish(
        id=uuid.uuid4(),
        kind=kind,
        title=title,
        file=file,
        at=uow.clock.now(),
        by=by,
        settings=settings,
        assembly_id=assembly_id,
    )
    return await uow.extranet.add_document(document, file.content)


async def replace(
    uow: MembershipUoW,
    document_id: UUID,
    file: UploadedFile,
    settings: GovernanceSettings,
    *,
    by: str,
) -> DocumentRecord:
    """A new version that members now see; the earlier ones stay for staff. The document is
    locked, so that two replacements get two numbers."""
    record = await document_of(uow, document_id, lock=True)
    changed = extranet.replace_file(
        record.document, file, at=uow.clock.now(), by=by, settings=settings
    )
    await uow.extranet.add_version(document_id, changed.current, file.content)
    return await document_of(uow, document_id)


async def withdraw(
    uow: MembershipUoW, document_id: UUID, reason: str, *, by: str
) -> DocumentRecord:
    """Members no longer see it; staff keep it, for the record."""
    record = await document_of(uow, document_id, lock=True)
    withdrawn = extranet.withdraw(record.document, at=uow.clock.now(), reason=reason)
    await uow.extranet.save_withdrawal(record, withdrawn, by)
    return await document_of(uow, document_id)


async def documents(
    uow: MembershipUoW,
    reader: Reader,
    *,
    kinds: Collection[DocumentKind],
    assembly_id: UUID | None,
    limit: int,
    offset: int,
) -> Listing[DocumentRecord]:
    """What ``reader`` lists: members the documents in force, the agency every one (M11)."""
    extranet.ensure_access(reader, uow.clock.today())
    return await uow.extranet.list_documents(
        kinds=kinds,
        assembly_id=assembly_id,
        include_withdrawn=reader.is_agency,
        limit=limit,
        offset=offset,
    )


async def document_for(uow: MembershipUoW, reader: Reader, document_id: UUID) -> DocumentRecord:
    """A document as ``reader`` may see it: a withdrawn one is no member's any more (404)."""
    extranet.ensure_access(reader, uow.clock.today())
    record = await document_of(uow, document_id)
    if record.document.withdrawn and not reader.is_agency:
        raise NotFound("Document", document_id)
    return record


async def download(
    uow: MembershipUoW, reader: Reader, document_id: UUID, version: int | None = None
) -> DocumentFile:
    """The current version (staff: any version) and the log line of this download."""
    record = await document_of(uow, document_id)
    served, line = extranet.download(reader, record.document, at=uow.clock.now(), version=version)
    stored = await uow.extranet.file(document_id, served.number)
    if stored is None:
        raise NotFound("Version", f"{served.number} of document {document_id}")
    await uow.extranet.log_download(line, uuid.uuid4())
    return stored
