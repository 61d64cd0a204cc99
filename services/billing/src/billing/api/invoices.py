"""Invoices and credit notes (F1-F3, F7 PDF): finance and staff see all, a member its own."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from billing.api.deps import (
    FILE_RESPONSES,
    FIRST_YEAR,
    LAST_YEAR,
    CreditNoteRef,
    Finance,
    InvoiceRef,
    Reader,
    Runtime,
    SirenFilter,
    check_period,
    file_response,
    find_credit_note,
    find_invoice,
    scope_of,
)
from billing.api.idempotency import IdempotencyKey, Once
from billing.api.schemas import CreditNoteIn, CreditNoteOut, InvoiceOut
from billing.domain.invoices import InvoiceKind, Status
from billing.production import stored_file
from billing.repositories.records import CreditNoteFilter, InvoiceFilter
from billing.use_cases.documents import credit_note_document_of, invoice_document_of
from billing.use_cases.invoices import issue_credit_note
from shared.openapi import problem_responses
from shared.pagination import Page, Paging

router = APIRouter(tags=["invoices"])

#: Unknown, or another structure's for a member (X3: the same answer).
_NOT_FOUND = problem_responses({404: ["not_found"]})

IssuedFrom = Annotated[date | None, Query(description="Issued on or after this day")]
IssuedTo = Annotated[date | None, Query(description="Issued on or before this day")]


@router.get(
    "/invoices",
    summary="Invoices, in number order (a member: its own structure's)",
    responses=_NOT_FOUND,
)
async def list_invoices(
    runtime: Runtime,
    caller: Reader,
    page: Paging,
    siren: SirenFilter = None,
    status: Annotated[
        Status | None, Query(description="Where the invoice stands today (as `status` reads)")
    ] = None,
    issued_from: IssuedFrom = None,
    issued_to: IssuedTo = None,
    dues_year: Annotated[
        int | None,
        Query(ge=FIRST_YEAR, le=LAST_YEAR, description="The membership year invoiced"),
    ] = None,
    kind: Annotated[InvoiceKind | None, Query(description="What is invoiced")] = None,
) -> Page[InvoiceOut]:
    check_period(issued_from, issued_to)
    where = InvoiceFilter(
        siren=scope_of(caller, siren),
        status=status,
        issued_from=issued_from,
        issued_to=issued_to,
        dues_years=(dues_year,) if dues_year is not None else None,
        kinds=(kind,) if kind is not None else None,
    )
    today = runtime.clock.today()
    async with runtime.uow() as uow:
        found = await uow.invoices.page_invoices(
            where, today=today, limit=page.limit, offset=page.offset
        )
    return Page.of(found.items, found.total, page, lambda i: InvoiceOut.of(i, today))


@router.get(
    "/invoices/{ref}",
    summary="One invoice, by id or number, with lines and credit notes",
    responses=_NOT_FOUND,
)
async def get_invoice(ref: InvoiceRef, runtime: Runtime, caller: Reader) -> InvoiceOut:
    async with runtime.uow() as uow:
        invoice = await find_invoice(uow, ref, caller)
        lines = await uow.invoices.lines_of(invoice.id)
        notes = await uow.invoices.list_credit_notes(CreditNoteFilter(invoice_id=invoice.id))
    return InvoiceOut.of(invoice, runtime.clock.today(), lines, notes)


@router.get(
    "/invoices/{ref}/pdf",
    summary="The invoice's Factur-X document (PDF/A-3), as made once when issued (F3, F8)",
    response_class=Response,
    responses={**FILE_RESPONSES, **problem_responses({404: ["not_found"], 422: ["F8"]})},
)
async def get_invoice_pdf(
    ref: InvoiceRef, request: Request, runtime: Runtime, caller: Reader
) -> Response:
    async with runtime.transaction() as uow:
        invoice = await find_invoice(uow, ref, caller)
        document = await invoice_document_of(uow, invoice)
    return file_response(await stored_file(runtime, document), request)


@router.post(
    "/invoices/{ref}/credit-notes",
    status_code=201,
    response_model=CreditNoteOut,
    summary="Cancel an invoice in full or in part by a credit note (F2)",
    responses=problem_responses(
        {404: ["not_found"], 409: ["F2"], 422: ["F2", "idempotency_key_reused"]}
    ),
)
async def create_credit_note(
    ref: InvoiceRef,
    body: CreditNoteIn,
    request: Request,
    runtime: Runtime,
    caller: Finance,
    idempotency_key: IdempotencyKey = None,
) -> CreditNoteOut | JSONResponse:
    once = await Once.of(request, caller, idempotency_key)
    async with runtime.transaction() as uow:
        if (first := await once.replayed(uow)) is not None:
            return first
        invoice = await find_invoice(uow, ref, caller)
        note = await issue_credit_note(
            uow, invoice.id, amount=body.amount, reason=body.reason, by=caller.principal.subject
        )
        answer = CreditNoteOut.of(note)
        await once.remember(uow, 201, answer)
    return answer


@router.get(
    "/credit-notes",
    summary="Credit notes, in number order (a member: its own structure's)",
    responses=_NOT_FOUND,
)
async def list_credit_notes(
    runtime: Runtime,
    caller: Reader,
    page: Paging,
    siren: SirenFilter = None,
    issued_from: IssuedFrom = None,
    issued_to: IssuedTo = None,
) -> Page[CreditNoteOut]:
    check_period(issued_from, issued_to)
    where = CreditNoteFilter(
        siren=scope_of(caller, siren), issued_from=issued_from, issued_to=issued_to
    )
    async with runtime.uow() as uow:
        found = await uow.invoices.page_credit_notes(where, limit=page.limit, offset=page.offset)
    return Page.of(found.items, found.total, page, CreditNoteOut.of)


@router.get(
    "/credit-notes/{ref}",
    summary="One credit note, by id or number",
    responses=_NOT_FOUND,
)
async def get_credit_note(ref: CreditNoteRef, runtime: Runtime, caller: Reader) -> CreditNoteOut:
    async with runtime.uow() as uow:
        return CreditNoteOut.of(await find_credit_note(uow, ref, caller))


@router.get(
    "/credit-notes/{ref}/pdf",
    summary="The credit note's Factur-X document (PDF/A-3), as made once when issued (F2, F8)",
    response_class=Response,
    responses={**FILE_RESPONSES, **problem_responses({404: ["not_found"], 422: ["F8"]})},
)
async def get_credit_note_pdf(
    ref: CreditNoteRef, request: Request, runtime: Runtime, caller: Reader
) -> Response:
    async with runtime.transaction() as uow:
        note = await find_credit_note(uow, ref, caller)
        document = await credit_note_document_of(uow, note)
    return file_response(await stored_file(runtime, document), request)
