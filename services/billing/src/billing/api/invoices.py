"""Invoices and credit notes (F1-F3, F7 PDF): finance and staff see all, a member its own."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response

from billing.api.deps import (
    Finance,
    InvoiceRef,
    Reader,
    Runtime,
    find_invoice,
    sees_everything,
)
from billing.api.schemas import CreditNoteIn, CreditNoteOut, InvoiceOut
from billing.documents import invoice_pdf
from billing.handlers import issue_credit_note

router = APIRouter(tags=["invoices"])


@router.get("/invoices", summary="Invoices (a member: its own structure's)")
async def list_invoices(
    runtime: Runtime,
    caller: Reader,
    siren: str | None = Query(default=None, pattern=r"^\d{9}$"),
    year: int | None = Query(default=None, ge=2000, le=2100),
    limit: int = Query(default=500, ge=1, le=5000),
) -> list[InvoiceOut]:
    if not sees_everything(caller):
        if siren is not None:
            caller.ensure_structure(siren)
        siren = caller.siren
    async with runtime.uow() as uow:
        records = await uow.billing.list_invoices(siren=siren, year=year, limit=limit)
    today = runtime.clock.today()
    return [InvoiceOut.of(i, today) for i in records]


@router.get("/invoices/{ref}", summary="One invoice, by id or number, with lines and credit notes")
async def get_invoice(ref: InvoiceRef, runtime: Runtime, caller: Reader) -> InvoiceOut:
    async with runtime.uow() as uow:
        invoice = await find_invoice(uow, ref, caller)
        lines = await uow.billing.lines_of(invoice.id)
        notes = await uow.billing.list_credit_notes(invoice_id=invoice.id)
    return InvoiceOut.of(invoice, runtime.clock.today(), lines, notes)


@router.get(
    "/invoices/{ref}/pdf",
    summary="The invoice as a PDF document",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def get_invoice_pdf(ref: InvoiceRef, runtime: Runtime, caller: Reader) -> Response:
    async with runtime.uow() as uow:
        invoice = await find_invoice(uow, ref, caller)
        lines = await uow.billing.lines_of(invoice.id)
        notes = await uow.billing.list_credit_notes(invoice_id=invoice.id)
    body = invoice_pdf(runtime.settings.seller_identity(), invoice, lines, notes)
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{invoice.number}.pdf"'},
    )


@router.post(
    "/invoices/{ref}/credit-notes",
    status_code=201,
    summary="Cancel an invoice in full or in part by a credit note (F2)",
)
async def create_credit_note(
    ref: InvoiceRef, body: CreditNoteIn, runtime: Runtime, caller: Finance
) -> CreditNoteOut:
    async with runtime.uow() as uow:
        invoice = await find_invoice(uow, ref, caller)
        note = await issue_credit_note(
            uow, invoice.id, amount=body.amount, reason=body.reason, by=caller.principal.subject
        )
        await uow.commit()
    return CreditNoteOut.of(note)


@router.get("/credit-notes", summary="Credit notes (a member: its own structure's)")
async def list_credit_notes(runtime: Runtime, caller: Reader) -> list[CreditNoteOut]:
    siren = None if sees_everything(caller) else caller.siren
    async with runtime.uow() as uow:
        notes = await uow.billing.list_credit_notes(siren=siren)
    return [CreditNoteOut.of(n) for n in notes]
