"""The member's space: the structure's status and rights today and until when, applying,
renewing, upgrading, and its invoices with their documents. Always the SIREN of the signed-in
member's token, never one from the address bar (X3)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from portal.clients import clients_of
from portal.clients.base import ApiProblem
from portal.messages import phrase
from portal.pages.common import PageNumber, clean, offset_of, today
from portal.parts import part, parts
from portal.rendering import render
from portal.sessions import SignedIn
from portal.web import Member, session_of

router = APIRouter(prefix="/adherent")
INVOICES_PER_PAGE = 20
LEGAL_FORMS = (
    "association",
    "collectivité territoriale",
    "établissement public",
    "groupement d'intérêt public",
    "entreprise",
    "autre",
)
#: An invoice number as billing gives them (``FA-2026-00001``).
INVOICE_NUMBER = r"^FA-[0-9]{4}-[0-9]{5,6}$"


def _siren(user: SignedIn) -> str:
    assert user.siren is not None  # a member token always carries it (shared.auth)
    return user.siren


@router.get("")
async def space(request: Request, user: Member) -> Response:
    c = clients_of(request)
    siren = _siren(user)
    structure, rights, memberships, applications, invoices = await parts(
        c.membership.structure(user.token, siren),
        c.membership.rights(user.token, siren),
        c.membership.memberships_of(user.token, siren),
        c.membership.applications_of(user.token, siren),
        c.billing.invoices(user.token, siren=siren, limit=5),
    )
    unregistered = structure.problem is not None and structure.problem.code == "not_found"
    year = today(request).year
    membership = rights.value or {}
    can_upgrade = membership.get("status") == "active" and membership.get("plan") == "simple"
    return render(
        request,
        "member/space.html",
        {
            "structure": structure,
            "rights": rights,
            "memberships": memberships,
            "applications": applications,
            "invoices": invoices,
            "unregistered": unregistered,
            "can_upgrade": can_upgrade,
            "year": year,
            "legal_forms": LEGAL_FORMS,
            "values": {},
        },
    )


@router.post("/structure")
async def register(request: Request, user: Member) -> Response:
    """Register the member's structure (M1), the step before applying."""
    form = await request.form()
    values = {k: clean(v) for k, v in form.items() if k != "csrf_token"}
    siren = _siren(user)
    body: dict[str, Any] = {
        "siren": siren,
        "legal_name": values.get("legal_name", ""),
        "legal_form": values.get("legal_form", ""),
        "public_body": values.get("public_body") == "oui",
        "training_organisation": values.get("training_organisation") == "oui",
        "head_office": {
            "siret": values.get("siret", "").replace(" ", ""),
            "address_line": values.get("address_line", ""),
            "postal_code": values.get("postal_code", ""),
            "city": values.get("city", ""),
            "insee_code": values.get("insee_code", ""),
        },
        "email": values.get("email") or None,
        "contact_name": values.get("contact_name") or None,
        "phone": values.get("phone") or None,
    }
    if values.get("activity_declaration_number"):
        body["activity_declaration_number"] = values["activity_declaration_number"]
    try:
        await clients_of(request).membership.register_structure(user.token, body)
    except ApiProblem as problem:
        return render(
            request,
            "member/register.html",
            {"problem": problem, "values": values, "legal_forms": LEGAL_FORMS, "siren": siren},
            status=422 if problem.status == 422 else problem.status,
        )
    session_of(request).flash(
        "succes", "Votre structure est enregistrée : vous pouvez maintenant demander l'adhésion."
    )
    return RedirectResponse("/adherent", 303)


async def _apply_page(
    request: Request,
    user: SignedIn,
    *,
    values: dict[str, str] | None = None,
    problem: ApiProblem | None = None,
) -> Response:
    c = clients_of(request)
    siren = _siren(user)
    tariffs, memberships = await parts(
        c.membership.tariffs(user.token), c.membership.memberships_of(user.token, siren)
    )
    year = today(request).year
    paid_years = {
        m["year"] for m in memberships.value or [] if m.get("state") in ("active", "lapsed")
    }
    return render(
        request,
        "member/apply.html",
        {
            "tariffs": {t["year"]: t for t in tariffs.value or []},
            "tariffs_part": tariffs,
            "years": (year, year + 1),
            "paid_years": paid_years,
            "values": values or {"year": str(year), "plan": "simple"},
            "problem": problem,
        },
        status=422 if problem else 200,
    )


@router.get("/adhesion")
async def apply_form(request: Request, user: Member) -> Response:
    return await _apply_page(request, user)


@router.post("/adhesion")
async def apply(
    request: Request,
    user: Member,
    year: Annotated[int, Form(ge=2000, le=2100)],
    plan: Annotated[str, Form(max_length=20)],
    structure: Annotated[str, Form(max_length=10_000)] = "",
    activity: Annotated[str, Form(max_length=10_000)] = "",
    motivations: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    """Apply for a year: a first membership goes to the board (M5), a renewal is processed
    at once (M6); the service decides which from the history."""
    texts = {
        "structure": clean(structure, 10_000),
        "activity": clean(activity, 10_000),
        "motivations": clean(motivations, 10_000),
    }
    try:
        application = await clients_of(request).membership.apply(
            user.token,
            siren=_siren(user),
            year=year,
            plan=plan,
            texts={k: v for k, v in texts.items() if v} or None,
        )
    except ApiProblem as problem:
        values = {"year": str(year), "plan": plan, **texts}
        return await _apply_page(request, user, values=values, problem=problem)
    if application.get("kind") == "renewal":
        message = (
            f"Votre renouvellement pour {year} est enregistré : la facture de cotisation suit ; "
            "son paiement active l'année."
        )
    else:
        message = (
            f"Votre demande d'adhésion pour {year} est transmise au conseil d'administration. "
            "Après son accord, une facture vous est adressée ; son paiement confirme "
            "l'adhésion."
        )
    session_of(request).flash("succes", message)
    return RedirectResponse("/adherent", 303)


@router.post("/formule")
async def upgrade(request: Request, user: Member) -> Response:
    """Simple → premium for the current year, for the difference (M10)."""
    session = session_of(request)
    result = await part(clients_of(request).membership.upgrade(user.token, _siren(user)))
    if result.unavailable:
        session.flash("erreur", f"Demande non enregistrée : {result.unavailable} ne répondent pas.")
    elif result.problem:
        session.flash("erreur", phrase(result.problem.code))
    else:
        session.flash(
            "succes",
            "Votre passage en premium est demandé : une facture de la différence vous est "
            "adressée ; les droits premium commencent à son paiement.",
        )
    return RedirectResponse("/adherent", 303)


@router.get("/factures")
async def invoices(request: Request, user: Member, page: PageNumber = 1) -> Response:
    listing = await part(
        clients_of(request).billing.invoices(
            user.token,
            siren=_siren(user),
            limit=INVOICES_PER_PAGE,
            offset=offset_of(page, INVOICES_PER_PAGE),
        )
    )
    return render(request, "member/invoices.html", {"invoices": listing})


@router.get("/factures/{number}/pdf")
async def invoice_pdf(
    request: Request,
    user: Member,
    number: Annotated[str, Path(pattern=INVOICE_NUMBER)],
) -> Response:
    """The invoice's PDF, if it is the member's own: billing answers another's as not found."""
    document = await clients_of(request).billing.invoice_pdf(user.token, number)
    return Response(
        document.content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{number}.pdf"'},
    )
