"""The governing bodies' extranet (M11): member-only documents and the download log.

A file is sent as the request body itself, with its own ``Content-Type`` (a PDF, an office
document, an image); its title and name travel in the query string.
"""

from __future__ import annotations

import base64
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response, status

from membership.api.deps import SIREN_PATTERN, BoardOrStaff, Runtime, Staff
from membership.api.governance_schemas import DocumentOut, DownloadOut, WithdrawIn
from membership.governance.extranet import MEDIA_TYPES, DocumentKind, Reader, UploadedFile
from membership.records import DocumentFile
from membership.use_cases import extranet
from membership.use_cases.ports import MembershipUoW
from shared.auth import Caller, Role, require_roles
from shared.errors import TooLarge
from shared.openapi import problem_responses
from shared.pagination import Page, Paging
from shared.text import ClientText

router = APIRouter(tags=["extranet"])

#: Members (their own structure's access), staff and the board; not finance.
ExtranetCaller = Annotated[Caller, Depends(require_roles(Role.MEMBER, Role.STAFF, Role.BOARD))]
Title = Annotated[ClientText, Query(min_length=1, max_length=200, description="Its title")]
Filename = Annotated[
    ClientText, Query(min_length=1, max_length=200, description="The file's name, with its type")
]
_UPLOAD = {
    "requestBody": {
        "required": True,
        "description": "The file itself, sent with its own Content-Type",
        "content": {
            t: {"schema": {"type": "string", "format": "binary"}} for t in sorted(MEDIA_TYPES)
        },
    }
}
_FILE: dict[int | str, dict[str, Any]] = {
    200: {"description": "The file", "content": {t: {} for t in sorted(MEDIA_TYPES)}}
}


async def _reader(uow: MembershipUoW, caller: Caller) -> Reader:
    agency = caller.has(Role.STAFF, Role.BOARD)
    return await extranet.reader_of(uow, caller.principal.subject, None if agency else caller.siren)


async def _upload(request: Request, filename: str, limit: int) -> UploadedFile:
    """The body as a file, refused (413) as soon as it grows past ``limit`` bytes."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(
                f"The extranet takes files of at most {limit} bytes: compress this one or split "
                "it.",
                limit=limit,
            )
        chunks.append(chunk)
    return UploadedFile(filename, media_type, b"".join(chunks))


def _file_response(stored: DocumentFile) -> Response:
    version = stored.version
    digest = base64.b64encode(bytes.fromhex(version.sha256)).decode("ascii")
    return Response(
        stored.content,
        media_type=version.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{version.filename}"',
            "Repr-Digest": f"sha-256=:{digest}:",
            "ETag": f'"{version.sha256}"',
        },
    )


@router.post(
    "/extranet/documents",
    status_code=status.HTTP_201_CREATED,
    response_model=DocumentOut,
    openapi_extra=_UPLOAD,
    responses=problem_responses({404: ["not_found"], 413: ["too_large"]}),
)
async def publish(
    request: Request,
    runtime: Runtime,
    caller: Staff,
    kind: Annotated[DocumentKind, Query(description="assembly, statutes or events")],
    title: Title,
    filename: Filename,
    assembly_id: Annotated[
        UUID | None, Query(description="The assembly an assembly document belongs to")
    ] = None,
) -> DocumentOut:
    """Publish a document on the extranet (staff): a General Assembly's (naming its assembly),
    the statutes and how the bodies work, or the association's events."""
    settings = runtime.settings.governance
    file = await _upload(request, filename, settings.extranet_max_file_bytes)
    async with runtime.transaction() as uow:
        record = await extranet.publish(
            uow,
            kind=kind,
            title=title,
            file=file,
            settings=settings,
            by=caller.principal.subject,
            assembly_id=assembly_id,
        )
    return DocumentOut.of(record, everything=True)


@router.post(
    "/extranet/documents/{document_id}/versions",
    status_code=status.HTTP_201_CREATED,
    response_model=DocumentOut,
    openapi_extra=_UPLOAD,
    responses=problem_responses({404: ["not_found"], 409: ["conflict"], 413: ["too_large"]}),
)
async def replace(
    document_id: UUID, request: Request, runtime: Runtime, caller: Staff, filename: Filename
) -> DocumentOut:
    """Replace the document's file (staff): a new version members now download; the earlier
    ones are kept."""
    settings = runtime.settings.governance
    file = await _upload(request, filename, settings.extranet_max_file_bytes)
    async with runtime.transaction() as uow:
        record = await extranet.replace(
            uow, document_id, file, settings, by=caller.principal.subject
        )
    return DocumentOut.of(record, everything=True)


@router.post(
    "/extranet/documents/{document_id}/withdraw",
    response_model=DocumentOut,
    responses=problem_responses({404: ["not_found"], 409: ["conflict"]}),
)
async def withdraw(
    document_id: UUID, body: WithdrawIn, runtime: Runtime, caller: Staff
) -> DocumentOut:
    """Withdraw the document (staff): members no longer see it; staff keep it, for the record."""
    async with runtime.transaction() as uow:
        record = await extranet.withdraw(uow, document_id, body.reason, by=caller.principal.subject)
    return DocumentOut.of(record, everything=True)


@router.get(
    "/extranet/documents",
    response_model=Page[DocumentOut],
    responses=problem_responses({422: ["M11"]}),
)
async def list_documents(
    runtime: Runtime,
    caller: ExtranetCaller,
    page: Paging,
    kind: Annotated[
        list[DocumentKind] | None, Query(description="Documents of these kinds")
    ] = None,
    assembly_id: Annotated[UUID | None, Query(description="Documents of this assembly")] = None,
) -> Page[DocumentOut]:
    """M11: the extranet's documents for members active or in grace today (a lapsed member is
    refused from its lapse day); staff and the board also see the withdrawn ones."""
    async with runtime.uow() as uow:
        reader = await _reader(uow, caller)
        listing = await extranet.documents(
            uow,
            reader,
            kinds=kind or (),
            assembly_id=assembly_id,
            limit=page.limit,
            offset=page.offset,
        )
    return Page[DocumentOut].of(
        listing.items,
        listing.total,
        page,
        lambda r: DocumentOut.of(r, everything=reader.is_agency),
    )


@router.get(
    "/extranet/documents/{document_id}",
    response_model=DocumentOut,
    responses=problem_responses({404: ["not_found"], 422: ["M11"]}),
)
async def get_document(document_id: UUID, runtime: Runtime, caller: ExtranetCaller) -> DocumentOut:
    async with runtime.uow() as uow:
        reader = await _reader(uow, caller)
        record = await extranet.document_for(uow, reader, document_id)
    return DocumentOut.of(record, everything=reader.is_agency)


@router.get(
    "/extranet/documents/{document_id}/content",
    response_class=Response,
    responses={**_FILE, **problem_responses({404: ["not_found"], 422: ["M11"]})},
)
async def download(
    document_id: UUID,
    runtime: Runtime,
    caller: ExtranetCaller,
    version: Annotated[
        int | None, Query(ge=1, le=100_000, description="Staff: an earlier version")
    ] = None,
) -> Response:
    """M11: download the document (members: its current version), logged."""
    async with runtime.transaction() as uow:
        reader = await _reader(uow, caller)
        stored = await extranet.download(uow, reader, document_id, version)
    return _file_response(stored)


@router.get("/extranet/downloads", response_model=Page[DownloadOut])
async def downloads(
    runtime: Runtime,
    caller: BoardOrStaff,
    page: Paging,
    document_id: Annotated[UUID | None, Query(description="Downloads of this document")] = None,
    siren: Annotated[str | None, Query(pattern=SIREN_PATTERN)] = None,
) -> Page[DownloadOut]:
    """The download log, the latest first: who downloaded which version, for which structure."""
    async with runtime.uow() as uow:
        listing = await uow.extranet.downloads(
            document_id=document_id, siren=siren, limit=page.limit, offset=page.offset
        )
    return Page[DownloadOut].of(listing.items, listing.total, page, DownloadOut.model_validate)
