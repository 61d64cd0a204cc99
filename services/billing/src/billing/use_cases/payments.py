"""Payments (F4): recorded once per bank reference, matched, allocated by hand; what they pay
in full is settled (F5)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from billing.domain import fec
from billing.domain.numbering import invoice_numbers_in
from billing.domain.payments import (
    OpenInvoice,
    allocate_by_reference,
    check_manual_allocation,
    check_payment,
    check_payment_date,
)
from billing.repositories.records import (
    InvoiceRecord,
    NewAllocation,
    NewPayment,
    PaymentRecord,
    aggregate_ref,
)
from billing.use_cases.invoices import settle
from billing.use_cases.ledger import letter_invoice, post
from billing.use_cases.ports import BillingWork
from shared.contracts.billing import PaymentRecorded
from shared.errors import Conflict, NotFound


@dataclass(frozen=True)
class PaymentInput:
    method: str
    amount: Decimal
    received_on: date
    payer_reference: str
    bank_reference: str
    payer: str | None = None
    #: Allocate to this invoice (finance named it): it must exist.
    invoice_number: str | None = None
    #: The invoices a statement line names, known to exist, in the order written; None: the
    #: numbers written in ``payer_reference`` are looked for.
    invoice_numbers: tuple[str, ...] | None = None


@dataclass(frozen=True)
class PaymentOutcome:
    payment: PaymentRecord
    created: bool


async def record_payment(
    uow: BillingWork, data: PaymentInput, *, source: str, by: str
) -> PaymentOutcome:
    """F4: record a payment once per bank reference, match it, and settle what it pays (F5)."""
    check_payment(data.amount, data.method, data.bank_reference)
    check_payment_date(
        data.received_on,
        first_year=uow.settings.invoicing.first_year,
        today=uow.clock.today(),
    )
    reference = data.bank_reference.strip()
    targets: list[InvoiceRecord] = []
    if data.invoice_number:
        number = data.invoice_number.strip().upper()
        named = await uow.invoices.get_invoice_by_number(number)
        if named is None:
            raise NotFound("Invoice", number)
        targets.append(named)
    else:
        named_numbers = (
            data.invoice_numbers
            if data.invoice_numbers is not None
            else invoice_numbers_in(data.payer_reference)
        )
        for number in named_numbers:
            found = await uow.invoices.get_invoice_by_number(number)
            if found is not None:
                targets.append(found)
    payment_id = uuid.uuid4()
    recorded = await uow.payments.insert_payment(
        NewPayment(
            id=payment_id,
            method=data.method,
            amount=data.amount,
            received_on=data.received_on,
            payer_reference=data.payer_reference.strip(),
            bank_reference=reference,
            payer=data.payer,
            source=source,
            recorded_at=uow.clock.now(),
            recorded_by=by,
        )
    )
    if recorded is None:
        existing = await uow.payments.get_payment_by_bank_reference(reference)
        assert existing is not None
        if (existing.amount, existing.method, existing.received_on) != (
            data.amount,
            data.method,
            data.received_on,
        ):
            raise Conflict(
                f"Bank reference {reference} was recorded already for another payment "
                f"({existing.amount} € by {existing.method} on {existing.received_on}): "
                "check the reference, or record this one under its own.",
                rule="F4",
                payment_id=str(existing.id),
            )
        return PaymentOutcome(existing, created=False)

    # lock in a stable order (no deadlock between two payments naming the same invoices)
    locked: dict[UUID, InvoiceRecord] = {}
    for invoice in sorted(targets, key=lambda i: str(i.id)):
        again = await uow.invoices.lock_invoice(invoice.id)
        assert again is not None
        locked[invoice.id] = again
    ordered = [locked[i.id] for i in targets]
    plan = allocate_by_reference(
        data.amount,
        [OpenInvoice(i.id, i.number, i.balance.outstanding) for i in ordered],
    )
    shares: list[tuple[UUID, Decimal]] = []
    for share in plan:
        assert isinstance(share.invoice_id, UUID)
        shares.append((share.invoice_id, share.amount))
    for invoice_id, amount in shares:
        await uow.payments.allocate(
            NewAllocation(
                payment_id=payment_id,
                invoice_id=invoice_id,
                amount=amount,
                allocated_on=data.received_on,
                allocated_at=uow.clock.now(),
                at_recording=True,
                allocated_by=by,
            )
        )
    await post(
        uow,
        fec.bank_entry(
            reference,
            data.received_on,
            data.amount,
            f"Règlement {data.method} {data.payer_reference.strip()}",
            [
                fec.Share(
                    invoice_id,
                    fec.Party(locked[invoice_id].siren, locked[invoice_id].customer.legal_name),
                    amount,
                )
                for invoice_id, amount in shares
            ],
        ),
        source_kind="payment",
        source_id=payment_id,
    )
    for invoice_id, _ in shares:
        await settle(uow, locked[invoice_id], data.received_on)
        await letter_invoice(uow, invoice_id)
    payment = await uow.payments.get_payment(payment_id)
    assert payment is not None
    uow.outbox.add(
        PaymentRecorded(
            payment_id=payment_id,
            amount=data.amount,
            method=data.method,
            received_on=data.received_on,
            invoice_id=shares[0][0] if shares else None,
            recorded_at=payment.recorded_at,
        ),
        aggregate_ref(payment),
    )
    return PaymentOutcome(payment, created=True)


async def allocate_payment(
    uow: BillingWork,
    payment_id: UUID,
    invoice_number: str,
    *,
    amount: Decimal | None,
    by: str,
) -> PaymentRecord:
    """F4: allocate (part of) an unmatched payment to an invoice by hand."""
    payment = await uow.payments.get_payment(payment_id, lock=True)
    if payment is None:
        raise NotFound("Payment", payment_id)
    share = check_manual_allocation(amount, payment.unallocated)
    number = invoice_number.strip().upper()
    target = await uow.invoices.get_invoice_by_number(number)
    if target is None:
        raise NotFound("Invoice", number)
    invoice = await uow.invoices.lock_invoice(target.id)
    assert invoice is not None
    today = uow.clock.today()
    allocation_id = await uow.payments.allocate(
        NewAllocation(
            payment_id=payment.id,
            invoice_id=invoice.id,
            amount=share,
            allocated_on=today,
            allocated_at=uow.clock.now(),
            at_recording=False,
            allocated_by=by,
        )
    )
    await post(
        uow,
        fec.allocation_entry(
            payment.bank_reference,
            today,
            fec.Party(invoice.siren, invoice.customer.legal_name),
            share,
            invoice.number,
            invoice.id,
        ),
        source_kind="allocation",
        source_id=allocation_id,
    )
    await settle(uow, invoice, max(payment.received_on, invoice.issued_on))
    await letter_invoice(uow, invoice.id)
    updated = await uow.payments.get_payment(payment.id)
    assert updated is not None
    return updated
