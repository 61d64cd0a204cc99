"""Finance's tools: importing a bank statement (CFONB 120, CAMT.053, CSV) with its report, the
reconciliation of a period (F6) with each mismatch linked to its cause, and the exports and
documents (F7)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response

from portal.clients import clients_of
from portal.clients.base import Download
from portal.pages.common import clean, today
from portal.parts import Part, part
from portal.rendering import render
from portal.web import BackOffice, Finance

router = APIRouter(prefix="/finances")
MAX_STATEMENT_BYTES = 5_000_000
#: The statement formats billing reads (``format`` of ``POST /payments/import``).
STATEMENT_FORMATS = ("cfonb", "camt053", "csv")
IBAN = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")


def _statement_page(
    request: Request,
    *,
    values: dict[str, str],
    report: Part[dict[str, Any]] | None = None,
    error: str | None = None,
    filename: str | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "finance/statement.html",
        {
            "report": report,
            "error": error,
            "filename": filename,
            "values": values,
            "formats": STATEMENT_FORMATS,
        },
        status=status,
    )


@router.get("/releves")
async def statement_form(request: Request, user: Finance) -> Response:
    return _statement_page(request, values={"format": "cfonb"})


@router.post("/releves")
async def import_statement(
    request: Request,
    user: Finance,
    fichier: Annotated[UploadFile, File()],
    format: Annotated[str, Form(pattern=r"^(cfonb|camt053|csv)$")] = "csv",
    compte: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    """Import a bank statement (CFONB 120, CAMT.053 or a bank's CSV export); the report lists
    each line: matched, left unmatched (to match by hand), seen before, skipped (debits) or
    refused."""
    account = clean(compte, 60).replace(" ", "").upper()
    values = {"format": format, "compte": account}
    if account and not IBAN.match(account):
        return _statement_page(
            request,
            values=values,
            error="Le compte n'est pas un IBAN (FR76 suivi de 23 caractères, par exemple).",
            status=422,
        )
    content = await fichier.read(MAX_STATEMENT_BYTES + 1)
    if not content:
        return _statement_page(
            request, values=values, error="Choisissez le fichier du relevé.", status=422
        )
    if len(content) > MAX_STATEMENT_BYTES:
        return _statement_page(
            request, values=values, error="Le fichier dépasse 5 Mo : découpez-le.", status=413
        )
    report = await part(
        clients_of(request).billing.import_statement(
            user.token, content, format=format, account=account or None
        )
    )
    return _statement_page(
        request,
        values=values,
        report=report,
        filename=fichier.filename,
        status=200 if report.ok else 422,
    )


def _period(request: Request, start: date | None, end: date | None) -> tuple[date, date]:
    day = today(request)
    return start or date(day.year, 1, 1), end or day


@router.get("/rapprochement")
async def reconciliation(
    request: Request,
    user: BackOffice,
    du: Annotated[date | None, Query()] = None,
    au: Annotated[date | None, Query()] = None,
) -> Response:
    start, end = _period(request, du, au)
    report = await part(
        clients_of(request).billing.reconciliation(user.token, start.isoformat(), end.isoformat())
    )
    return render(
        request, "finance/reconciliation.html", {"report": report, "start": start, "end": end}
    )


@router.get("/exports")
async def exports(request: Request, user: BackOffice) -> Response:
    day = today(request)
    return render(
        request,
        "finance/exports.html",
        {"year": day.year, "start": date(day.year, 1, 1), "end": day},
    )


def _attachment(document: Download) -> Response:
    return Response(
        document.content,
        media_type=document.media_type,
        headers={"Content-Disposition": f'attachment; filename="{document.filename}"'},
    )


@router.get("/exports/fec")
async def fec(
    request: Request, user: BackOffice, annee: Annotated[int, Query(ge=2000, le=2100)]
) -> Response:
    return _attachment(await clients_of(request).billing.fec(user.token, annee))


@router.get("/exports/factures")
async def invoices_csv(
    request: Request, user: BackOffice, du: Annotated[date, Query()], au: Annotated[date, Query()]
) -> Response:
    billing = clients_of(request).billing
    return _attachment(await billing.invoices_csv(user.token, du.isoformat(), au.isoformat()))


@router.get("/exports/reglements")
async def payments_csv(
    request: Request, user: BackOffice, du: Annotated[date, Query()], au: Annotated[date, Query()]
) -> Response:
    billing = clients_of(request).billing
    return _attachment(await billing.payments_csv(user.token, du.isoformat(), au.isoformat()))
