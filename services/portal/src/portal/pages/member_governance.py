"""The member's share of the association's life (M11): the General Assembly — attending (who
will represent the structure) or giving a proxy to another member, taking it back — the
extranet's documents, and the structure's open badges with their signed credentials. Always
the SIREN of the signed-in member's token (X3)."""

from __future__ import annotations

import re
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from portal.clients import clients_of
from portal.pages.common import PageNumber, clean, offset_of, tell
from portal.pages.extranet import attachment
from portal.parts import part, parts
from portal.rendering import render
from portal.web import Member, session_of

router = APIRouter(prefix="/adherent")
PER_PAGE = 20
AssemblyId = Annotated[UUID, Path()]
SIREN = re.compile(r"^\d{9}$")
#: A badge's signed credential (VC-JWT), as verifiers take it.
VC_JWT = "application/vc+jwt"


def _assembly(assembly_id: UUID) -> str:
    return f"/adherent/assemblees/{assembly_id}"


@router.get("/assemblees")
async def assemblies(request: Request, user: Member, page: PageNumber = 1) -> Response:
    listing = await part(
        clients_of(request).membership.assemblies(
            user.token, limit=PER_PAGE, offset=offset_of(page, PER_PAGE)
        )
    )
    return render(request, "member/assemblies.html", {"assemblies": listing})


@router.get("/assemblees/{assembly_id}")
async def assembly(request: Request, user: Member, assembly_id: AssemblyId) -> Response:
    m = clients_of(request).membership
    found, documents = await parts(
        m.assembly(user.token, assembly_id),
        m.documents(user.token, assembly_id=assembly_id, limit=50),
    )
    if found.problem and found.problem.code == "not_found":
        return render(request, "errors/not_found.html", status=404)
    return render(
        request,
        "member/assembly.html",
        {"assembly": found, "documents": documents, "assembly_id": assembly_id},
    )


@router.post("/assemblees/{assembly_id}/reponse")
async def answer(
    request: Request,
    user: Member,
    assembly_id: AssemblyId,
    answer: Annotated[Literal["attend", "proxy"], Form()],
    name: Annotated[str, Form(max_length=200)] = "",
    email: Annotated[str, Form(max_length=200)] = "",
    position: Annotated[str, Form(max_length=200)] = "",
    holder_siren: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Attend (naming the representative: it cancels a proxy given), or give the structure's
    proxy to another member; a new answer replaces the last, until the assembly opens."""
    assert user.siren is not None
    flash = session_of(request).flash
    if answer == "attend":
        if not clean(name):
            flash("erreur", "Indiquez qui représentera votre structure.")
            return RedirectResponse(_assembly(assembly_id), 303)
        representative = {
            "name": clean(name),
            "email": clean(email) or None,
            "position": clean(position) or None,
        }
        body: dict[str, object] = {"answer": "attend", "representative": representative}
        done = "Votre présence est enregistrée."
    else:
        holder = holder_siren.replace(" ", "")
        if not SIREN.match(holder):
            flash("erreur", "Le SIREN de la structure qui portera votre voix compte 9 chiffres.")
            return RedirectResponse(_assembly(assembly_id), 303)
        body = {"answer": "proxy", "holder_siren": holder}
        done = "Votre procuration est enregistrée : la structure choisie portera votre voix."
    result = await part(
        clients_of(request).membership.answer(user.token, assembly_id, user.siren, body)
    )
    tell(request, result, done=done, undone="Réponse non enregistrée")
    return RedirectResponse(_assembly(assembly_id), 303)


@router.post("/assemblees/{assembly_id}/procuration/retrait")
async def withdraw_proxy(request: Request, user: Member, assembly_id: AssemblyId) -> Response:
    assert user.siren is not None
    result = await part(
        clients_of(request).membership.withdraw_proxy(user.token, assembly_id, user.siren)
    )
    tell(request, result, done="Procuration retirée.", undone="Procuration non retirée")
    return RedirectResponse(_assembly(assembly_id), 303)


@router.get("/extranet")
async def extranet(request: Request, user: Member, page: PageNumber = 1) -> Response:
    listing = await part(
        clients_of(request).membership.documents(
            user.token, limit=PER_PAGE, offset=offset_of(page, PER_PAGE)
        )
    )
    return render(request, "member/extranet.html", {"documents": listing})


@router.get("/extranet/{document_id}")
async def document(
    request: Request, user: Member, document_id: Annotated[UUID, Path()]
) -> Response:
    return attachment(
        await clients_of(request).membership.document_content(user.token, document_id)
    )


@router.get("/badges")
async def badges(request: Request, user: Member, page: PageNumber = 1) -> Response:
    listing = await part(
        clients_of(request).membership.badges(
            user.token, siren=user.siren, limit=PER_PAGE, offset=offset_of(page, PER_PAGE)
        )
    )
    return render(request, "member/badges.html", {"badges": listing})


@router.get("/badges/{award_id}/attestation")
async def credential(request: Request, user: Member, award_id: Annotated[UUID, Path()]) -> Response:
    """The badge's signed Open Badges 3.0 credential, to show to anyone who verifies it."""
    found = await clients_of(request).membership.badge(user.token, award_id)
    token = str(found.get("credential") or "")
    if not token:
        return render(request, "errors/not_found.html", status=404)
    return Response(
        token,
        media_type=VC_JWT,
        headers={"Content-Disposition": f'attachment; filename="badge-{award_id}.jwt"'},
    )
