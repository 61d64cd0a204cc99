"""Use cases: consumed events and finance commands -> domain rules -> unit of work.

Handlers never commit: the consumer kit or the caller of a command does, once, so that a
change and its events (outbox rows) commit together (X2).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from billing.domain.credit_notes import decide_credit
from billing.domain.invoices import (
    DUES_KINDS,
    BillingRuleError,
    InvoiceKind,
    Line,
    becomes_paid,
    due_date,
    total_of,
)
from billing.domain.numbering import Series, format_number, invoice_numbers_in, next_sequence
from billing.domain.payments import (
    OpenInvoice,
    allocate_by_reference,
    check_manual_allocation,
    check_payment,
)
from billing.repository import CreditNoteRecord, InvoiceRecord, PaymentRecord
from billing.unit_of_work import BillingUnitOfWork
from shared.contracts.billing import (
    CreditNoteIssued,
    InvoiceIssued,
    InvoiceOverdue,
    InvoicePaid,
    PaymentRecorded,
)
from shared.contracts.membership import CustomerDetails


class UnknownInvoiceError(LookupError):
    def __init__(self, key: object) -> None:
        super().__init__(f"no invoice {key}")
        self.key = key


class UnknownPaymentError(LookupError):
    def __init__(self, key: object) -> None:
        super().__init__(f"no payment {key}")
        self.key = key


# -- F1 / F2: issuing ------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueRequest:
    kind: InvoiceKind
    subject_id: UUID
    membership_id: UUID | None
    customer: CustomerDetails
    year: int
    plan: str | None
    lines: list[Line]


async def issue_invoice(uow: BillingUnitOfWork, request: IssueRequest) -> tuple[UUID, bool]:
    """Issue the invoice of ``request`` unless its business key has one already.

    F2: the year's counter row is locked first, so the existence check, the number and the
    insert are serialised per year: numbers follow each other with no gap, and a second
    delivery (even under another message id) finds the first invoice. Returns (id, issued).
    """
    now, today = uow.clock.now(), uow.clock.today()
    repo = uow.billing
    last = await repo.lock_sequence(Series.INVOICE, today.year)
    c = request.customer
    existing = await repo.find_invoice_for_subject(request.kind, request.subject_id)
    if existing is None and request.kind in DUES_KINDS:
        existing = await repo.find_dues_key(c.siren, request.year, request.kind)
    if existing is not None:
        return existing, False
    await repo.upsert_customer(request.customer, now)
    sequence = await repo.advance_sequence(Series.INVOICE, today.year, last)
    assert sequence == next_sequence(last)
    number = format_number(Series.INVOICE, today.year, sequence)
    invoice_id = uuid.uuid4()
    total = total_of(request.lines)
    due_on = due_date(today, uow.settings.invoicing.payment_terms_days)
    await repo.insert_invoice(
        {
            "id": invoice_id,
            "number": number,
            "series_year": today.year,
            "sequence": sequence,
            "kind": request.kind,
            "subject_id": request.subject_id,
            "membership_id": request.membership_id,
            "siren": c.siren,
            "year": request.year,
            "plan": request.plan,
            "customer_name": c.legal_name,
            "customer_address_line": c.address_line,
            "customer_postal_code": c.postal_code,
            "customer_city": c.city,
            "customer_siret": c.siret,
            "customer_public_body": c.public_body,
            "issued_on": today,
            "due_on": due_on,
            "total": total,
            "currency": "EUR",
            "created_at": now,
        },
        request.lines,
    )
    if request.kind in DUES_KINDS:
        await repo.claim_dues_key(c.siren, request.year, request.kind, invoice_id)
    uow.outbox.add(
        InvoiceIssued(
            invoice_id=invoice_id,
            number=number,
            siren=c.siren,
            kind=request.kind,
            subject_id=request.subject_id,
            year=request.year,
            total=total,
            issued_on=today,
            due_on=due_on,
        ),
        aggregate_id=str(invoice_id),
    )
    return invoice_id, True


async def _settle(uow: BillingUnitOfWork, before: InvoiceRecord, paid_on: date) -> InvoiceRecord:
    """F5: after a payment or credit on a locked invoice, publish ``InvoicePaid`` exactly once."""
    after = await uow.billing.get_invoice(before.id)
    assert after is not None
    if before.paid_at is None and becomes_paid(before.balance, after.balance):
        await uow.billing.mark_paid(after.id, paid_on, uow.clock.now())
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
            aggregate_id=str(after.id),
        )
    return after


# -- F2: credit notes ------------------------------------------------------------------------


async def issue_credit_note(
    uow: BillingUnitOfWork,
    invoice_id: UUID,
    *,
    amount: Decimal | None,
    reason: str,
    by: str,
) -> CreditNoteRecord:
    repo = uow.billing
    invoice = await repo.lock_invoice(invoice_id)
    if invoice is None:
        raise UnknownInvoiceError(invoice_id)
    decision = decide_credit(invoice.balance, amount, reason)
    today = uow.clock.today()
    last = await repo.lock_sequence(Series.CREDIT_NOTE, today.year)
    sequence = await repo.advance_sequence(Series.CREDIT_NOTE, today.year, last)
    number = format_number(Series.CREDIT_NOTE, today.year, sequence)
    credit_note_id = uuid.uuid4()
    await repo.insert_credit_note(
        {
            "id": credit_note_id,
            "number": number,
            "series_year": today.year,
            "sequence": sequence,
            "invoice_id": invoice.id,
            "siren": invoice.siren,
            "amount": decision.amount,
            "reason": reason.strip(),
            "cancels_invoice": decision.cancels_invoice,
            "issued_on": today,
            "created_at": uow.clock.now(),
            "created_by": by,
        }
    )
    uow.outbox.add(
        CreditNoteIssued(
            credit_note_id=credit_note_id,
            number=number,
            invoice_id=invoice.id,
            invoice_number=invoice.number,
            siren=invoice.siren,
            kind=invoice.kind,
            subject_id=invoice.subject_id,
            amount=decision.amount,
            cancels_invoice=decision.cancels_invoice,
            reason=reason.strip(),
            issued_on=today,
        ),
        aggregate_id=str(invoice.id),
    )
    if decision.cancels_invoice:
        # F1: nothing is left of this dues invoice; the structure may be invoiced again
        await repo.release_dues_key(invoice.id)
    # a partial credit may leave a balance that earlier payments already cover (F5)
    await _settle(uow, invoice, today)
    return CreditNoteRecord(
        id=credit_note_id,
        number=number,
        invoice_id=invoice.id,
        invoice_number=invoice.number,
        invoice_kind=invoice.kind,
        customer_name=invoice.customer.legal_name,
        siren=invoice.siren,
        amount=decision.amount,
        reason=reason.strip(),
        cancels_invoice=decision.cancels_invoice,
        issued_on=today,
    )


# -- F4 / F5: payments -----------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentInput:
    method: str
    amount: Decimal
    received_on: date
    payer_reference: str
    bank_reference: str
    payer: str | None = None
    invoice_number: str | None = None


@dataclass(frozen=True)
class PaymentOutcome:
    payment: PaymentRecord
    created: bool


async def record_payment(
    uow: BillingUnitOfWork, data: PaymentInput, *, source: str, by: str
) -> PaymentOutcome:
    """F4: record a payment once per bank reference, match it, and settle what it pays (F5)."""
    check_payment(data.amount, data.method, data.bank_reference)
    today = uow.clock.today()
    if data.received_on > today:
        raise BillingRuleError(
            "F4", f"a payment is not received in the future ({data.received_on})"
        )
    repo = uow.billing
    reference = data.bank_reference.strip()
    targets: list[InvoiceRecord] = []
    if data.invoice_number:
        named = await repo.get_invoice_by_number(data.invoice_number.strip().upper())
        if named is None:
            raise UnknownInvoiceError(data.invoice_number)
        targets.append(named)
    else:
        for number in invoice_numbers_in(data.payer_reference):
            found = await repo.get_invoice_by_number(number)
            if found is not None:
                targets.append(found)
    payment_id = uuid.uuid4()
    inserted = await repo.insert_payment(
        {
            "id": payment_id,
            "method": data.method,
            "amount": data.amount,
            "received_on": data.received_on,
            "payer_reference": data.payer_reference.strip(),
            "bank_reference": reference,
            "payer": data.payer,
            "source": source,
            "recorded_at": uow.clock.now(),
            "recorded_by": by,
        }
    )
    if not inserted:
        existing = await repo.get_payment_by_bank_reference(reference)
        assert existing is not None
        if (existing.amount, existing.method, existing.received_on) != (
            data.amount,
            data.method,
            data.received_on,
        ):
            raise BillingRuleError(
                "F4",
                f"bank reference {reference} was recorded already for another payment "
                f"({existing.amount} by {existing.method} on {existing.received_on})",
                conflict=True,
            )
        return PaymentOutcome(existing, created=False)

    # lock in a stable order (no deadlock between two payments naming the same invoices)
    locked: dict[UUID, InvoiceRecord] = {}
    for invoice in sorted(targets, key=lambda i: str(i.id)):
        again = await repo.lock_invoice(invoice.id)
        assert again is not None
        locked[invoice.id] = again
    ordered = [locked[i.id] for i in targets]
    plan = allocate_by_reference(
        data.amount,
        [OpenInvoice(i.id, i.number, i.balance.outstanding) for i in ordered],
    )
    for share in plan:
        await repo.insert_allocation(
            {
                "payment_id": payment_id,
                "invoice_id": share.invoice_id,
                "amount": share.amount,
                "allocated_on": data.received_on,
                "allocated_at": uow.clock.now(),
                "at_recording": True,
                "allocated_by": by,
            }
        )
    for share in plan:
        assert isinstance(share.invoice_id, UUID)
        await _settle(uow, locked[share.invoice_id], data.received_on)
    uow.outbox.add(
        PaymentRecorded(
            payment_id=payment_id,
            amount=data.amount,
            method=data.method,
            received_on=data.received_on,
            invoice_id=plan[0].invoice_id if plan else None,
            recorded_at=uow.clock.now(),
        ),
        aggregate_id=str(payment_id),
    )
    payment = await repo.get_payment(payment_id)
    assert payment is not None
    return PaymentOutcome(payment, created=True)


async def allocate_payment(
    uow: BillingUnitOfWork,
    payment_id: UUID,
    invoice_number: str,
    *,
    amount: Decimal | None,
    by: str,
) -> PaymentRecord:
    """F4: allocate (part of) an unmatched payment to an invoice by hand."""
    repo = uow.billing
    payment = await repo.get_payment(payment_id, lock=True)
    if payment is None:
        raise UnknownPaymentError(payment_id)
    share = check_manual_allocation(amount, payment.unallocated)
    target = await repo.get_invoice_by_number(invoice_number.strip().upper())
    if target is None:
        raise UnknownInvoiceError(invoice_number)
    invoice = await repo.lock_invoice(target.id)
    assert invoice is not None
    today = uow.clock.today()
    await repo.insert_allocation(
        {
            "payment_id": payment.id,
            "invoice_id": invoice.id,
            "amount": share,
            "allocated_on": today,
            "allocated_at": uow.clock.now(),
            "at_recording": False,
            "allocated_by": by,
        }
    )
    await _settle(uow, invoice, max(payment.received_on, invoice.issued_on))
    updated = await repo.get_payment(payment.id)
    assert updated is not None
    return updated


# -- F4: overdue -----------------------------------------------------------------------------


async def mark_overdue_batch(uow: BillingUnitOfWork, as_of: date, limit: int = 200) -> int:
    """Mark one batch of invoices past due as overdue and publish ``InvoiceOverdue`` for each
    (once: the mark is kept). Returns how many were marked."""
    repo = uow.billing
    marked = 0
    for invoice_id in await repo.claim_overdue(as_of, limit):
        invoice = await repo.get_invoice(invoice_id)
        assert invoice is not None
        outstanding = invoice.balance.outstanding
        await repo.mark_overdue(invoice.id, as_of)
        uow.outbox.add(
            InvoiceOverdue(
                invoice_id=invoice.id,
                number=invoice.number,
                siren=invoice.siren,
                due_on=invoice.due_on,
                amount_due=outstanding,
            ),
            aggregate_id=str(invoice.id),
        )
        marked += 1
    return marked


# -- F6: memberships as billing knows them ----------------------------------------------------


async def record_membership_activated(
    uow: BillingUnitOfWork,
    *,
    membership_id: UUID,
    siren: str,
    year: int,
    plan: str,
    activated_at: datetime,
    invoice_id: UUID | None,
) -> None:
    await uow.billing.record_activation(
        membership_id=membership_id,
        siren=siren,
        year=year,
        plan=plan,
        activated_at=activated_at,
        invoice_id=invoice_id,
        now=uow.clock.now(),
    )


async def record_membership_lapsed(
    uow: BillingUnitOfWork,
    *,
    membership_id: UUID,
    siren: str,
    year: int,
    lapsed_on: date,
    reason: str,
) -> None:
    await uow.billing.record_lapse(
        membership_id=membership_id,
        siren=siren,
        year=year,
        lapsed_on=lapsed_on,
        reason=reason,
        now=uow.clock.now(),
    )
