"""The board's pages: new applications to decide (M5), with the structure's description,
activity and motivations; approve, or reject with a reason; the renewals summary (M6)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from portal.clients import clients_of
from portal.messages import phrase
from portal.pages.common import PageNumber, clean, offset_of, today
from portal.parts import Part, part
from portal.rendering import render
from portal.web import Board, BoardOrStaff, is_htmx, session_of

router = APIRouter(prefix="/conseil")
APPLICATIONS_PER_PAGE = 10
ApplicationId = Annotated[UUID, Path()]


@router.get("")
async def pending(request: Request, user: Board, page: PageNumber = 1) -> Response:
    listing = await part(
        clients_of(request).membership.pending_applications(
            user.token, limit=APPLICATIONS_PER_PAGE, offset=offset_of(page, APPLICATIONS_PER_PAGE)
        )
    )
    return render(request, "board/pending.html", {"applications": listing})


def _decided(
    request: Request, application_id: UUID, outcome: Part[dict[str, object]], done: str
) -> Response:
    """After a decision: the application's card again (htmx), or back to the list."""
    if is_htmx(request):
        return render(
            request,
            "board/decision.html",
            {"outcome": outcome, "done": done, "application_id": application_id},
        )
    session = session_of(request)
    if outcome.unavailable:
        session.flash(
            "erreur", f"Décision non enregistrée : {outcome.unavailable} ne répondent pas."
        )
    elif outcome.problem:
        session.flash("erreur", phrase(outcome.problem.code))
    else:
        session.flash("succes", done)
    return RedirectResponse("/conseil", 303)


@router.post("/demandes/{application_id}/approuver")
async def approve(request: Request, user: Board, application_id: ApplicationId) -> Response:
    outcome = await part(clients_of(request).membership.approve(user.token, str(application_id)))
    name = (outcome.value or {}).get("legal_name") or "la structure"
    return _decided(
        request,
        application_id,
        outcome,
        f"Adhésion approuvée pour {name} : la facture de cotisation lui est adressée.",
    )


@router.post("/demandes/{application_id}/refuser")
async def reject(
    request: Request,
    user: Board,
    application_id: ApplicationId,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    outcome = await part(
        clients_of(request).membership.reject(user.token, str(application_id), clean(reason, 2000))
    )
    return _decided(
        request, application_id, outcome, "Demande refusée : le motif est transmis à la structure."
    )


@router.get("/renouvellements")
async def renewals(
    request: Request,
    user: BoardOrStaff,
    annee: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Response:
    year = annee or today(request).year
    report = await part(clients_of(request).membership.renewals(user.token, year))
    return render(request, "board/renewals.html", {"report": report, "year": year})
