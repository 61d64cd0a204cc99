"""Issuing invoices (F1, F2), credit notes (F2), and the paid mark (F5)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from uuid import UUID

from billing.domain import fec
from billing.domain.credit_notes import decide_credit
from billing.domain.invoices import DUES_KINDS, InvoiceKind, Line, becomes_paid, due_date, total_of
from billing.domain.mentions import Customer
from billing.domain.numbering import Series, format_number, next_sequence
from billing.repositories.records import (
    CreditNoteRecord,
    InvoiceRecord,
    NewCreditNote,
    NewInvoice,
    aggregate_ref,
)
from billing.use_cases.documents import freeze_credit_note, invoice_source, numbered
from billing.use_cases.ledger import letter_invoice, post
from billing.use_cases.ports import BillingWork
from shared.contracts.billing import CreditNoteIssued, InvoiceIssued, InvoicePaid
from shared.contracts.membership import CustomerDetails
from shared.errors import NotFound


@dataclass(frozen=True)
class IssueRequest:
    kind: InvoiceKind
    subject_id: UUID
    membership_id: UUID | None
    customer: CustomerDetails
    year: int
    plan: str | None
    lines: list[Line]


async def issue_invoice(uow: BillingWork, request: IssueRequest) -> tuple[UUID, bool]:
    """Issue the invoice of ``request`` unless its business key has one already.

    F2: the year's counter row is locked, then the number is taken only if no invoice of the
    subject or live dues key exists (checked after the lock was granted): numbers follow each
    other with no gap, and a second delivery (even under another message id, even at the same
    time) finds the first invoice. What does not need the number is done before the lock, so
    that issues of one year, serialised by it, hold it for a few statements. Returns
    (id, issued).
    """
    now, today = uow.clock.now(), uow.clock.today()
    repo = uow.invoices
    c = request.customer
    dues_key = (c.siren, request.year) if request.kind in DUES_KINDS else None
    existing = await repo.find_existing(request.kind, request.subject_id, dues_key)
    if existing is not None:
        return existing, False
    known = await uow.projections.upsert_customer(c, now)
    total = total_of(request.lines)
    due_on = due_date(today, uow.settings.invoicing.payment_terms_days)
    draft = NewInvoice(
        id=uuid.uuid4(),
        number="",
        series_year=today.year,
        sequence=0,
        kind=request.kind,
        subject_id=request.subject_id,
        membership_id=request.membership_id,
        customer=Customer(
            siren=c.siren,
            legal_name=c.legal_name,
            address_line=c.address_line,
            postal_code=c.postal_code,
            city=c.city,
            siret=c.siret,
            public_body=c.public_body,
        ),
        year=request.year,
        plan=request.plan,
        issued_on=today,
        due_on=due_on,
        total=total,
        created_at=now,
    )
    source = invoice_source(uow.settings, draft, request.lines, known)

    last = await repo.lock_sequence(Series.INVOICE, today.year)
    sequence = await repo.advance_unless_issued(
        today.year, last, request.kind, request.subject_id, dues_key
    )
    if sequence is None:  # issued meanwhile by a concurrent delivery
        existing = await repo.find_existing(request.kind, request.subject_id, dues_key)
        assert existing is not None
        return existing, False
    assert sequence == next_sequence(last)
    number = format_number(Series.INVOICE, today.year, sequence)
    invoice = replace(draft, number=number, sequence=sequence)
    issued = await repo.insert_invoice(invoice, request.lines, claims_dues_key=dues_key is not None)
    await uow.documents.add_source(numbered(source, number))
    await post(
        uow,
        fec.sale_entry(
            number, today, request.kind, fec.Party(c.siren, c.legal_name), total, invoice.id
        ),
        source_kind="invoice",
        source_id=invoice.id,
    )
    uow.outbox.add(
        InvoiceIssued(
            invoice_id=issued.id,
            number=number,
            siren=c.siren,
            kind=request.kind,
            subject_id=request.subject_id,
            year=request.year,
            total=total,
            issued_on=today,
            due_on=due_on,
        ),
        aggregate_ref(issued),
    )
    return issued.id, True


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
