"""The agency's side of the governing bodies' extranet (M11): staff publish a document (a
General Assembly's, the statutes, the association's events) and withdraw one; staff and the
board read every document, withdrawn ones included, and download it."""

from __future__ import annotations

from pathlib import PurePath
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, File, Form, Path, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from portal.clients import clients_of
from portal.clients.base import Download
from portal.clients.governance import DOCUMENT_KINDS, DOCUMENT_TYPES
from portal.pages.common import PageNumber, clean, offset_of, tell
from portal.parts import part, parts
from portal.rendering import render
from portal.web import BoardOrStaff, Staff, session_of

router = APIRouter(prefix="/equipe/extranet")
HOME = "/equipe/extranet"
PER_PAGE = 20
#: The extranet's largest file (``GOVERNANCE_EXTRANET_MAX_FILE_BYTES``' default).
MAX_FILE_BYTES = 20 * 1024 * 1024


def attachment(document: Download) -> Response:
    return Response(
        document.content,
        media_type=document.media_type,
        headers={"Content-Disposition": f'attachment; filename="{document.filename}"'},
    )


@router.get("")
async def documents(request: Request, user: BoardOrStaff, page: PageNumber = 1) -> Response:
    m = clients_of(request).membership
    listing, assemblies = await parts(
        m.documents(user.token, limit=PER_PAGE, offset=offset_of(page, PER_PAGE)),
        m.assemblies(user.token, limit=20),
    )
    return render(
        request,
        "assemblies/extranet.html",
        {
            "documents": listing,
            "assemblies": assemblies,
            "kinds": DOCUMENT_KINDS,
            "extensions": sorted(DOCUMENT_TYPES),
        },
    )


@router.post("")
async def publish(
    request: Request,
    user: Staff,
    fichier: Annotated[UploadFile, File()],
    kind: Annotated[str, Form(pattern=r"^(assembly|statutes|events)$")],
    title: Annotated[str, Form(max_length=200)],
    assembly_id: Annotated[str, Form(pattern=r"^([0-9a-fA-F-]{36})?$")] = "",
) -> Response:
    """Publish a file members download while active or in grace (M11)."""
    filename = PurePath(fichier.filename or "").name[:200]
    media_type = DOCUMENT_TYPES.get(PurePath(filename).suffix.lower().lstrip("."))
    flash = session_of(request).flash
    content = await fichier.read(MAX_FILE_BYTES + 1)
    if media_type is None:
        flash("erreur", "L'extranet prend les PDF, les documents bureautiques et les images.")
    elif not content:
        flash("erreur", "Choisissez le fichier à publier.")
    elif len(content) > MAX_FILE_BYTES:
        flash("erreur", "Le fichier dépasse 20 Mo : réduisez-le.")
    else:
        published = await part(
            clients_of(request).membership.publish(
                user.token,
                kind=kind,
                title=clean(title),
                filename=filename,
                media_type=media_type,
                content=content,
                assembly_id=UUID(assembly_id) if assembly_id and kind == "assembly" else None,
            )
        )
        tell(request, published, done="Document publié.", undone="Document non publié")
    return RedirectResponse(HOME, 303)


@router.post("/{document_id}/retrait")
async def withdraw(
    request: Request,
    user: Staff,
    document_id: Annotated[UUID, Path()],
    reason: Annotated[str, Form(min_length=1, max_length=2000)],
) -> Response:
    done = await part(
        clients_of(request).membership.withdraw_document(user.token, document_id, clean(reason))
    )
    tell(
        request,
        done,
        done="Document retiré : les adhérents ne le voient plus.",
        undone="Document non retiré",
    )
    return RedirectResponse(HOME, 303)


@router.get("/{document_id}")
async def download(
    request: Request, user: BoardOrStaff, document_id: Annotated[UUID, Path()]
) -> Response:
    return attachment(
        await clients_of(request).membership.document_content(user.token, document_id)
    )
