"""Credit notes (F2) and the paid mark (F5); issuing invoices is :mod:`.issuing`."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from uuid import UUID

from billing.domain import fec
from billing.domain.credit_notes import decide_credit
from billing.domain.invoices import becomes_paid
from billing.domain.numbering import Series, format_number
from billing.repositories.records import (
    CreditNoteRecord,
    InvoiceRecord,
    NewCreditNote,
    aggregate_ref,
)
from billing.use_cases.documents import freeze_credit_note
from billing.use_cases.ledger import letter_invoice, post
from billing.use_cases.ports import BillingWork
from shared.contracts.billing import CreditNoteIssued, InvoicePaid
from shared.errors import NotFound


async def settle(uow: BillingWork, before: InvoiceRecord, paid_on: date) -> InvoiceRecord:
    """F5: after a payment or credit on a locked invoice, publish ``InvoicePaid`` exactly once,
    at the version the paid mark leaves the invoice."""
    after = await uow.invoices.get_invoice(before.id)
    assert after is not None
    if before.paid_at is None and becomes_paid(before.balance, after.balance):
        paid = await uow.invoices.mark_paid(after.id, paid_on, uow.clock.now())
        uow.outbox.add(
            InvoicePaid(
                invoice_id=after.id,
                number=after.number,
                siren=after.siren,
                kind=after.kind,
                subject_id=after.subject_id,
                year=after.year,
                total=after.total,
                paid_on=paid_on,
            ),
            aggregate_ref(paid),
        )
    return after


async def issue_credit_note(
    uow: BillingWork,
    invoice_id: UUID,
    *,
    amount: Decimal | None,
    reason: str,
    by: str,
) -> CreditNoteRecord:
    """F2: a credit note on an invoice (the whole remainder when ``amount`` is None).

    ``CreditNoteIssued`` is about the invoice, at the version the credit leaves it: a consumer
    can then tell an ``InvoicePaid`` older than the cancellation from a newer one.
    """
    repo = uow.invoices
    invoice = await repo.lock_invoice(invoice_id)
    if invoice is None:
        raise NotFound("Invoice", invoice_id)
    decision = decide_credit(invoice.balance, amount, reason)
    today = uow.clock.today()
    last = await repo.lock_sequence(Series.CREDIT_NOTE, today.year)
    sequence = await repo.advance_sequence(Series.CREDIT_NOTE, today.year, last)
    number = format_number(Series.CREDIT_NOTE, today.year, sequence)
    note = NewCreditNote(
        id=uuid.uuid4(),
        number=number,
        series_year=today.year,
        sequence=sequence,
        invoice_id=invoice.id,
        siren=invoice.siren,
        amount=decision.amount,
        reason=reason.strip(),
        cancels_invoice=decision.cancels_invoice,
        issued_on=today,
        created_at=uow.clock.now(),
        created_by=by,
    )
    credited = await repo.add_credit_note(note)
    await freeze_credit_note(uow, invoice, note)
    await post(
        uow,
        fec.sale_entry(
            number,
            today,
            invoice.kind,
            fec.Party(invoice.siren, invoice.customer.legal_name),
            note.amount,
            invoice.id,
            credit_note_of=invoice.number,
        ),
        source_kind="credit_note",
        source_id=note.id,
    )
    uow.outbox.add(
        CreditNoteIssued(
            credit_note_id=note.id,
            number=number,
            invoice_id=invoice.id,
            invoice_number=invoice.number,
            siren=invoice.siren,
            kind=invoice.kind,
            subject_id=invoice.subject_id,
            amount=note.amount,
            cancels_invoice=note.cancels_invoice,
            reason=note.reason,
            issued_on=today,
        ),
        aggregate_ref(credited),
    )
    if decision.cancels_invoice:
        # F1: nothing is left of this dues invoice; the structure may be invoiced again
        await repo.release_dues_key(invoice.id)
    # a partial credit may leave a balance that earlier payments already cover (F5)
    await settle(uow, invoice, today)
    await letter_invoice(uow, invoice.id)
    return CreditNoteRecord(
        id=note.id,
        number=number,
        invoice_id=invoice.id,
        invoice_number=invoice.number,
        invoice_kind=invoice.kind,
        customer_name=invoice.customer.legal_name,
        siren=invoice.siren,
        amount=note.amount,
        reason=note.reason,
        cancels_invoice=note.cancels_invoice,
        issued_on=today,
    )
