"""The agency's General Assembly pages (M11): staff convene it (at least 15 days before, with
its agenda and extranet documents), read the answers — who attends, who gave a proxy to whom —
sign the structures in on the day, open it (the quorum recorded), close it (the attendance
sheet and the proxy list frozen), download those records and award the participation badges.
The board reads the same pages."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from portal.clients import clients_of
from portal.pages.common import PageNumber, clean, offset_of, tell, today
from portal.parts import part, parts
from portal.rendering import render
from portal.web import BoardOrStaff, Staff, session_of

router = APIRouter(prefix="/assemblees")
PER_PAGE = 20
AssemblyId = Annotated[UUID, Path()]
#: The statutes' notice (``GOVERNANCE_CONVOCATION_NOTICE_DAYS``), to suggest a date.
NOTICE_DAYS = 15
IDENTIFIER = re.compile(r"^(\d{9}|\d{14})$")


def _here(assembly_id: UUID) -> str:
    return f"/assemblees/{assembly_id}"


@router.get("")
async def assemblies(request: Request, user: BoardOrStaff, page: PageNumber = 1) -> Response:
    m = clients_of(request).membership
    listing, documents = await parts(
        m.assemblies(user.token, limit=PER_PAGE, offset=offset_of(page, PER_PAGE)),
        m.documents(user.token, limit=100),
    )
    return render(
        request,
        "assemblies/list.html",
        {
            "assemblies": listing,
            "documents": documents,
            "suggested_day": today(request) + timedelta(days=NOTICE_DAYS + 7),
        },
    )


@router.post("")
async def convene(
    request: Request,
    user: Staff,
    title: Annotated[str, Form(max_length=200)],
    held_on: Annotated[date, Form()],
    starts_at: Annotated[time, Form()],
    agenda: Annotated[str, Form(max_length=10_000)],
    address: Annotated[str, Form(max_length=500)] = "",
    remote_link: Annotated[str, Form(max_length=500)] = "",
    second_convocation: Annotated[str, Form()] = "",
) -> Response:
    """Convene the assembly; the convocation goes to every structure eligible on its day."""
    form = await request.form()
    documents = [str(v) for v in form.getlist("document_ids")][:50]
    body = {
        "title": clean(title),
        "held_on": held_on.isoformat(),
        "starts_at": starts_at.strftime("%H:%M"),
        "address": clean(address, 500) or None,
        "remote_link": clean(remote_link, 500) or None,
        "agenda": [clean(line) for line in agenda.splitlines() if clean(line)][:50],
        "second_convocation": second_convocation == "oui",
        "document_ids": documents,
    }
    convened = await part(clients_of(request).membership.convene(user.token, body))
    if not tell(
        request,
        convened,
        done="Assemblée générale convoquée : la convocation part aux structures adhérentes.",
        undone="Assemblée générale non convoquée",
    ):
        return RedirectResponse("/assemblees", 303)
    assert convened.value is not None
    return RedirectResponse(_here(convened.value["id"]), 303)


@router.get("/{assembly_id}")
async def assembly(request: Request, user: BoardOrStaff, assembly_id: AssemblyId) -> Response:
    m = clients_of(request).membership
    found, quorum, documents = await parts(
        m.assembly(user.token, assembly_id),
        m.quorum(user.token, assembly_id),
        m.documents(user.token, assembly_id=assembly_id, limit=50),
    )
    if found.problem and found.problem.code == "not_found":
        return render(request, "errors/not_found.html", status=404)
    return render(
        request,
        "assemblies/assembly.html",
        {
            "assembly": found,
            "quorum": quorum,
            "documents": documents,
            "assembly_id": assembly_id,
            "today": today(request),
        },
    )


@router.post("/{assembly_id}/emargement")
async def sign_in(
    request: Request,
    user: Staff,
    assembly_id: AssemblyId,
    siren: Annotated[str, Form(max_length=30)],
    name: Annotated[str, Form(max_length=200)],
    position: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Sign a structure in on the day (its SIREN, or the SIRET of an establishment)."""
    identifier = "".join(ch for ch in siren if not ch.isspace())
    if not IDENTIFIER.match(identifier):
        session_of(request).flash("erreur", "Un SIREN compte 9 chiffres, un SIRET 14.")
        return RedirectResponse(_here(assembly_id), 303)
    representative = {"name": clean(name), "position": clean(position) or None}
    done = await part(
        clients_of(request).membership.sign_in_attendee(
            user.token, assembly_id, identifier, representative
        )
    )
    tell(request, done, done="Émargement enregistré.", undone="Émargement non enregistré")
    return RedirectResponse(_here(assembly_id), 303)


@router.post("/{assembly_id}/ouverture")
async def open_assembly(request: Request, user: Staff, assembly_id: AssemblyId) -> Response:
    """Open the assembly on its day: the quorum is recorded, unsigned holders' proxies void."""
    done = await part(clients_of(request).membership.open_assembly(user.token, assembly_id))
    tell(
        request,
        done,
        done="Assemblée ouverte : le quorum est enregistré.",
        undone="Assemblée non ouverte",
    )
    return RedirectResponse(_here(assembly_id), 303)


@router.post("/{assembly_id}/cloture")
async def close_assembly(request: Request, user: Staff, assembly_id: AssemblyId) -> Response:
    """Close the assembly: the attendance sheet and the proxy list are frozen."""
    done = await part(clients_of(request).membership.close_assembly(user.token, assembly_id))
    tell(
        request,
        done,
        done="Assemblée close : la feuille d'émargement et la liste des procurations sont figées.",
        undone="Assemblée non close",
    )
    return RedirectResponse(_here(assembly_id), 303)


@router.post("/{assembly_id}/badges")
async def award_badges(request: Request, user: BoardOrStaff, assembly_id: AssemblyId) -> Response:
    """ "A pris part à l'assemblée générale" to every structure present or represented."""
    done = await part(clients_of(request).membership.award_assembly_badges(user.token, assembly_id))
    tell(
        request,
        done,
        done=f"{len(done.value or [])} badge(s) de participation décerné(s).",
        undone="Badges non décernés",
    )
    return RedirectResponse(_here(assembly_id), 303)


@router.get("/{assembly_id}/registres/{record}.{file_format}")
async def frozen_record(
    request: Request,
    user: BoardOrStaff,
    assembly_id: AssemblyId,
    record: Annotated[Literal["attendance", "proxies"], Path()],
    file_format: Annotated[Literal["csv", "pdf"], Path()],
) -> Response:
    """A closed assembly's attendance sheet or proxy list, as frozen (with its SHA-256)."""
    document = await clients_of(request).membership.assembly_record(
        user.token, assembly_id, record, file_format
    )
    return Response(
        document.content,
        media_type=document.media_type,
        headers={"Content-Disposition": f'attachment; filename="{document.filename}"'},
    )
