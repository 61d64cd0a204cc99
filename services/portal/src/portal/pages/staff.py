"""Staff's pages: finding a structure (name, SIREN, commune) and a structure's page — its
memberships by year, establishments and beneficiaries, Qualiopi, invoices, and its training
registrations, bookings and badges when those services answer; the board and staff award
"Adhérent de l'année" there."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from portal.clients import clients_of
from portal.pages.common import PageNumber, clean, offset_of, tell, today
from portal.parts import Part, part, parts
from portal.rendering import render
from portal.web import Agency, BoardOrStaff, is_htmx

router = APIRouter()
STRUCTURES_PER_PAGE = 20
SIREN = re.compile(r"^\d{9}$")
SirenPath = Annotated[str, Path(pattern=r"^\d{9}$")]


@router.get("/equipe")
async def search(
    request: Request,
    user: BoardOrStaff,
    nom: Annotated[str, Query(max_length=200)] = "",
    siren: Annotated[str, Query(max_length=20)] = "",
    commune: Annotated[str, Query(max_length=100)] = "",
    page: PageNumber = 1,
) -> Response:
    criteria = {
        "nom": clean(nom),
        "siren": clean(siren).replace(" ", ""),
        "commune": clean(commune),
    }
    error = None
    results: Part[object] | None = None
    if criteria["siren"] and not SIREN.match(criteria["siren"]):
        error = "Un SIREN compte 9 chiffres."
    else:
        results = await part(
            clients_of(request).membership.search_structures(
                user.token,
                name=criteria["nom"] or None,
                siren=criteria["siren"] or None,
                commune=criteria["commune"] or None,
                limit=STRUCTURES_PER_PAGE,
                offset=offset_of(page, STRUCTURES_PER_PAGE),
            )
        )
    context = {
        "criteria": criteria,
        "params": {k: v for k, v in criteria.items() if v},
        "results": results,
        "error": error,
    }
    if is_htmx(request):
        return render(request, "staff/search_results.html", context)
    return render(request, "staff/search.html", context)


@router.get("/structures/{siren}")
async def structure_page(request: Request, user: Agency, siren: SirenPath) -> Response:
    c = clients_of(request)
    token = user.token
    (
        structure,
        memberships,
        applications,
        rights,
        invoices,
        enrollments,
        bookings,
        badges,
    ) = await parts(
        c.membership.structure(token, siren),
        c.membership.memberships_of(token, siren),
        c.membership.applications_of(token, siren),
        c.membership.rights(token, siren),
        c.billing.invoices(token, siren=siren, limit=20),
        c.training.enrollments_of(token, siren, limit=20),
        c.booking.bookings(token, siren=siren, limit=20),
        c.membership.badges(token, siren=siren, limit=20),
    )
    if structure.problem and structure.problem.code in ("not_found", "M1"):
        return render(request, "errors/not_found.html", status=404)
    return render(
        request,
        "staff/structure.html",
        {
            "siren": siren,
            "structure": structure,
            "memberships": memberships,
            "applications": applications,
            "rights": rights,
            "invoices": invoices,
            "enrollments": enrollments,
            "bookings": bookings,
            "badges": badges,
            "today": today(request),
        },
    )


@router.post("/structures/{siren}/badges")
async def member_of_the_year(
    request: Request,
    user: BoardOrStaff,
    siren: SirenPath,
    year: Annotated[int, Form(ge=2000, le=2100)],
) -> Response:
    """M11: "Adhérent de l'année" to a structure that is a member today, one a year."""
    done = await part(clients_of(request).membership.member_of_the_year(user.token, siren, year))
    tell(
        request,
        done,
        done=f"Badge « Adhérent de l'année {year} » décerné.",
        undone="Badge non décerné",
    )
    return RedirectResponse(f"/structures/{siren}", 303)
