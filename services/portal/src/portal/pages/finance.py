"""Finance's pages: invoices by status, an invoice and its document, payments — recording one,
and the unmatched queue with its manual matching (allocation, F4)."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from portal.clients import clients_of
from portal.clients.base import ApiProblem
from portal.messages import phrase
from portal.pages.common import PageNumber, clean, offset_of, today
from portal.parts import part
from portal.rendering import render
from portal.web import BackOffice, Finance, is_htmx, session_of

router = APIRouter(prefix="/finances")
PER_PAGE = 25
INVOICE_STATUSES = ("unpaid", "partly_paid", "overdue", "paid", "cancelled")
METHODS = ("transfer", "cheque", "card")
#: An invoice by its number (``FA-2026-00001``) or id.
InvoiceRef = Annotated[
    str, Path(pattern=r"^(FA-[0-9]{4}-[0-9]{5,6}|[0-9a-fA-F-]{36})$", max_length=36)
]


@router.get("")
async def invoices(
    request: Request,
    user: BackOffice,
    statut: Annotated[str, Query(pattern=f"^({'|'.join(INVOICE_STATUSES)})?$")] = "",
    siren: Annotated[str, Query(pattern=r"^(\d{9})?$")] = "",
    page: PageNumber = 1,
) -> Response:
    listing = await part(
        clients_of(request).billing.invoices(
            user.token,
            status=statut or None,
            siren=siren or None,
            limit=PER_PAGE,
            offset=offset_of(page, PER_PAGE),
        )
    )
    params = {k: v for k, v in {"statut": statut, "siren": siren}.items() if v}
    return render(
        request,
        "finance/invoices.html",
        {
            "invoices": listing,
            "statuses": INVOICE_STATUSES,
            "status": statut or "",
            "siren": siren,
            "params": params,
        },
    )


@router.get("/factures/{ref}")
async def invoice(request: Request, user: BackOffice, ref: InvoiceRef) -> Response:
    found = await part(clients_of(request).billing.invoice(user.token, ref))
    if found.problem and found.problem.code == "not_found":
        return render(request, "errors/not_found.html", status=404)
    return render(request, "finance/invoice.html", {"invoice": found, "ref": ref})


@router.get("/factures/{ref}/pdf")
async def invoice_pdf(request: Request, user: BackOffice, ref: InvoiceRef) -> Response:
    document = await clients_of(request).billing.invoice_pdf(user.token, ref)
    return Response(
        document.content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{document.filename}"'},
    )


async def _payments_page(
    request: Request,
    user: BackOffice,
    *,
    view: str,
    page: int,
    values: dict[str, str] | None = None,
    problem: ApiProblem | None = None,
) -> Response:
    matched = None if view == "tous" else False
    listing = await part(
        clients_of(request).billing.payments(
            user.token, matched=matched, limit=PER_PAGE, offset=offset_of(page, PER_PAGE)
        )
    )
    return render(
        request,
        "finance/payments.html",
        {
            "payments": listing,
            "view": view,
            "methods": METHODS,
            "values": values or {"received_on": today(request).isoformat(), "method": "transfer"},
            "problem": problem,
        },
        status=422 if problem else 200,
    )


@router.get("/paiements")
async def payments(
    request: Request,
    user: BackOffice,
    vue: Annotated[Literal["a-affecter", "tous"], Query()] = "a-affecter",
    page: PageNumber = 1,
) -> Response:
    return await _payments_page(request, user, view=vue, page=page)


@router.post("/paiements")
async def record_payment(
    request: Request,
    user: Finance,
    method: Annotated[str, Form(max_length=30)],
    amount: Annotated[str, Form(max_length=30)],
    received_on: Annotated[str, Form(max_length=10)],
    bank_reference: Annotated[str, Form(max_length=200)],
    payer_reference: Annotated[str, Form(max_length=500)] = "",
    payer: Annotated[str, Form(max_length=300)] = "",
    invoice_number: Annotated[str, Form(max_length=30)] = "",
) -> Response:
    """Record a transfer, cheque or card payment; matched by the invoice number given, or
    found in the payer's reference, else it waits in the unmatched queue (F4)."""
    values = {
        "method": clean(method, 30),
        "amount": clean(amount, 30).replace(",", ".").replace(" ", "").replace("\u202f", ""),
        "received_on": clean(received_on, 10),
        "bank_reference": clean(bank_reference),
        "payer_reference": clean(payer_reference, 500),
        "payer": clean(payer, 300),
        "invoice_number": clean(invoice_number, 30).upper(),
    }
    body = {
        **values,
        "payer": values["payer"] or None,
        "invoice_number": values["invoice_number"] or None,
    }
    try:
        payment = await clients_of(request).billing.record_payment(user.token, body)
    except ApiProblem as problem:
        return await _payments_page(
            request, user, view="a-affecter", page=1, values=values, problem=problem
        )
    session = session_of(request)
    if payment.get("duplicate"):
        session.flash("info", "Ce règlement était déjà enregistré sous cette référence bancaire.")
    elif payment.get("status") == "matched":
        session.flash("succes", "Règlement enregistré et affecté à sa facture.")
    else:
        session.flash(
            "info",
            "Règlement enregistré ; il n'est pas (entièrement) affecté : il attend dans la file "
            "des règlements à affecter ci-dessous.",
        )
    return RedirectResponse("/finances/paiements", 303)


@router.post("/paiements/{payment_id}/affectation")
async def allocate(
    request: Request,
    user: Finance,
    payment_id: Annotated[UUID, Path()],
    invoice_number: Annotated[str, Form(max_length=30)],
    amount: Annotated[str, Form(max_length=30)] = "",
) -> Response:
    """Match what is left of a payment to an invoice by hand (F4)."""
    number = clean(invoice_number, 30).upper()
    outcome = await part(
        clients_of(request).billing.allocate(
            user.token,
            str(payment_id),
            number,
            clean(amount, 30).replace(",", ".").replace(" ", "") or None,
        )
    )
    if is_htmx(request):
        return render(
            request,
            "finance/allocation_result.html",
            {"outcome": outcome, "payment_id": payment_id, "number": number},
        )
    session = session_of(request)
    if outcome.unavailable:
        session.flash(
            "erreur", f"Affectation non enregistrée : {outcome.unavailable} ne répond pas."
        )
    elif outcome.problem:
        session.flash("erreur", phrase(outcome.problem.code))
    else:
        session.flash("succes", f"Règlement affecté à la facture {number}.")
    return RedirectResponse("/finances/paiements", 303)
