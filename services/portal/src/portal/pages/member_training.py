"""The member's ParcoursPro pages: the sessions open, pre-registering an employee (a place, or
the waiting list with its rank and why: full or T4; refused for T2, T3, T6, T10), what each
employee has left this year (T3), the structure's registrations and withdrawing (T7)."""

from __future__ import annotations

import re
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from portal.clients import clients_of
from portal.clients.training import ACTION_TYPES
from portal.pages.common import PageNumber, clean, offset_of, tell, today
from portal.parts import Part, part, parts
from portal.rendering import render
from portal.sessions import SignedIn
from portal.web import Member

router = APIRouter(prefix="/adherent/formations")
PER_PAGE = 10
ENROLLMENTS_PER_PAGE = 20
#: The employees whose yearly counts the page reads at once (those of the page's registrations).
ALLOWANCES_SHOWN = 10
EMAIL = re.compile(r"^[^@\s/?#]+@[^@\s/?#]+\.[^@\s/?#]+$")
HOME = "/adherent/formations"


def _establishments(structure: Part[dict[str, Any]]) -> list[dict[str, Any]]:
    found = (structure.value or {}).get("establishments") or []
    return list(found) if isinstance(found, list) else []


async def _page(
    request: Request,
    user: SignedIn,
    *,
    filters: dict[str, str],
    page: int = 1,
    registrations_page: int = 1,
    lookup: Part[dict[str, Any]] | None = None,
    lookup_email: str = "",
    outcome: Part[dict[str, Any]] | None = None,
    status: int = 200,
) -> Response:
    assert user.siren is not None
    c = clients_of(request)
    remote = {"oui": True, "non": False}.get(filters.get("distance", ""))
    sessions, structure, enrollments = await parts(
        c.training.sessions(
            user.token,
            type_=filters.get("type") or None,
            month=filters.get("mois") or None,
            place=filters.get("lieu") or None,
            remote=remote,
            limit=PER_PAGE,
            offset=offset_of(page, PER_PAGE),
        ),
        c.membership.structure(user.token, user.siren),
        c.training.enrollments_of(
            user.token,
            user.siren,
            limit=ENROLLMENTS_PER_PAGE,
            offset=offset_of(registrations_page, ENROLLMENTS_PER_PAGE),
        ),
    )
    # what each employee of these registrations has left, in the year of their session (T3)
    employees = sorted(
        {
            (e["email"], int(str(e["starts_on"])[:4]))
            for e in (enrollments.value.items if enrollments.value else [])
            if e.get("status") in ("confirmed", "waiting")
        }
    )[:ALLOWANCES_SHOWN]
    allowances = await parts(*(c.training.employee_year(user.token, m, y) for m, y in employees))
    return render(
        request,
        "member/training.html",
        {
            "sessions": sessions,
            "establishments": _establishments(structure),
            "structure": structure,
            "enrollments": enrollments,
            "allowances": list(zip(employees, allowances, strict=True)),
            "filters": filters,
            "params": {k: v for k, v in filters.items() if v},
            "types": ACTION_TYPES,
            "lookup": lookup,
            "lookup_email": lookup_email,
            "outcome": outcome,
            "year": today(request).year,
        },
        status=status,
    )


@router.get("")
async def catalogue(
    request: Request,
    user: Member,
    type: Annotated[str, Query(pattern=r"^(training|self_training|innovation_lab)?$")] = "",
    mois: Annotated[str, Query(pattern=r"^(20\d\d-(0[1-9]|1[0-2]))?$")] = "",
    lieu: Annotated[str, Query(max_length=100)] = "",
    distance: Annotated[str, Query(pattern=r"^(oui|non)?$")] = "",
    page: PageNumber = 1,
    inscriptions: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    filters = {"type": type, "mois": mois, "lieu": clean(lieu, 100), "distance": distance}
    return await _page(request, user, filters=filters, page=page, registrations_page=inscriptions)


@router.get("/droits")
async def allowance(
    request: Request,
    user: Member,
    courriel: Annotated[str, Query(max_length=254)] = "",
    annee: Annotated[int | None, Query(ge=2020, le=2100)] = None,
) -> Response:
    """How many actions an employee has left in a year (T3), and what counted."""
    email = clean(courriel, 254).lower()
    result = None
    if EMAIL.match(email):
        year = annee or today(request).year
        result = await part(clients_of(request).training.employee_year(user.token, email, year))
    return await _page(request, user, filters={}, lookup=result, lookup_email=email)


@router.post("/sessions/{session_id}/inscriptions")
async def enrol(
    request: Request,
    user: Member,
    session_id: Annotated[UUID, Path()],
    first_name: Annotated[str, Form(max_length=200)],
    last_name: Annotated[str, Form(max_length=200)],
    email: Annotated[str, Form(max_length=254)],
    siret: Annotated[str, Form(pattern=r"^\d{14}$")],
) -> Response:
    """Pre-register an employee: a place, the waiting list (its rank and why), or refused
    with the rule's phrase."""
    outcome = await part(
        clients_of(request).training.enrol(
            user.token,
            session_id,
            first_name=clean(first_name),
            last_name=clean(last_name),
            email=clean(email, 254).lower(),
            siret=siret,
        )
    )
    return await _page(
        request, user, filters={}, outcome=outcome, status=200 if outcome.ok else 422
    )


@router.post("/inscriptions/{enrollment_id}/desistement")
async def withdraw(
    request: Request, user: Member, enrollment_id: Annotated[UUID, Path()]
) -> Response:
    """Withdraw a place or a waiting entry (T7: less than 10 days before, a place counts)."""
    result = await part(clients_of(request).training.withdraw(user.token, enrollment_id))
    counted = bool((result.value or {}).get("counted"))
    tell(
        request,
        result,
        done="Désistement enregistré"
        + (
            " ; il reste compté dans la limite annuelle (moins de 10 jours avant la session)."
            if counted
            else " ; il n'est pas compté dans la limite annuelle."
        ),
        undone="Désistement non enregistré",
    )
    return RedirectResponse(HOME, 303)
