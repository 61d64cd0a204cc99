"""The member's ParcoursPro pages: the sessions open, pre-registering an employee (T2–T6,
T10), an employee's remaining allowance (T3), the structure's registrations and withdrawing
(T7). Built on :mod:`portal.clients.training`, whose shapes follow the training issue."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from portal.clients import clients_of
from portal.messages import phrase
from portal.pages.common import PageNumber, clean, offset_of, today
from portal.parts import Part, part, parts
from portal.rendering import render
from portal.sessions import SignedIn
from portal.web import Member, session_of

router = APIRouter(prefix="/adherent/formations")
PER_PAGE = 10
TYPES = ("training", "self_training", "innovation_lab")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EntityId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


def _establishments(structure: Part[dict[str, object]]) -> list[dict[str, object]]:
    found = (structure.value or {}).get("establishments") or []
    return list(found) if isinstance(found, list) else []


async def _page(
    request: Request,
    user: SignedIn,
    *,
    filters: dict[str, str],
    page: int,
    allowance: Part[dict[str, object]] | None = None,
    allowance_email: str = "",
    outcome: Part[dict[str, object]] | None = None,
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
        c.training.enrollments_of(user.token, user.siren),
    )
    return render(
        request,
        "member/training.html",
        {
            "sessions": sessions,
            "establishments": _establishments(structure),
            "enrollments": enrollments,
            "filters": filters,
            "params": {k: v for k, v in filters.items() if v},
            "types": TYPES,
            "allowance": allowance,
            "allowance_email": allowance_email,
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
    mois: Annotated[str, Query(pattern=r"^(\d{4}-\d{2})?$")] = "",
    lieu: Annotated[str, Query(max_length=100)] = "",
    distance: Annotated[str, Query(pattern=r"^(oui|non)?$")] = "",
    page: PageNumber = 1,
) -> Response:
    filters = {"type": type, "mois": mois, "lieu": clean(lieu, 100), "distance": distance}
    return await _page(request, user, filters=filters, page=page)


@router.get("/droits")
async def allowance(
    request: Request, user: Member, courriel: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    """How many actions an employee has left this year (T3)."""
    email = clean(courriel).lower()
    result = None
    if EMAIL.match(email):
        result = await part(
            clients_of(request).training.allowance(user.token, email, today(request).year)
        )
    return await _page(request, user, filters={}, page=1, allowance=result, allowance_email=email)


@router.post("/sessions/{session_id}/inscriptions")
async def enrol(
    request: Request,
    user: Member,
    session_id: EntityId,
    employee_name: Annotated[str, Form(max_length=200)],
    email: Annotated[str, Form(max_length=200)],
    siret: Annotated[str, Form(pattern=r"^\d{14}$")],
) -> Response:
    """Pre-register an employee: confirmed, on the waiting list (with its place and why), or
    refused with the rule's phrase."""
    outcome = await part(
        clients_of(request).training.enrol(
            user.token,
            session_id,
            employee_name=clean(employee_name),
            email=clean(email).lower(),
            siret=siret,
        )
    )
    return await _page(
        request, user, filters={}, page=1, outcome=outcome, status=200 if outcome.ok else 422
    )


@router.post("/inscriptions/{enrollment_id}/desistement")
async def withdraw(request: Request, user: Member, enrollment_id: EntityId) -> Response:
    """Withdraw a registration (T7: less than 10 days before, it still counts)."""
    result = await part(clients_of(request).training.withdraw(user.token, enrollment_id))
    session = session_of(request)
    if result.unavailable:
        session.flash(
            "erreur", f"Désistement non enregistré : {result.unavailable} ne répondent pas."
        )
    elif result.problem:
        session.flash("erreur", phrase(result.problem.code))
    else:
        counted = (result.value or {}).get("counted")
        session.flash(
            "succes",
            "Désistement enregistré"
            + (
                " ; il reste compté dans la limite annuelle (moins de 10 jours avant)."
                if counted
                else "."
            ),
        )
    return RedirectResponse("/adherent/formations", 303)
