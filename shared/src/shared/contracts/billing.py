"""Events published by the billing service."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Literal
from uuid import UUID

from shared.contracts.base import Event, Money

InvoiceKind = Literal["membership_new", "membership_renewal", "plan_upgrade", "auditorium"]


class _BillingEvent(Event):
    producer: ClassVar[str] = "billing"


class InvoiceIssued(_BillingEvent):
    event_type: ClassVar[str] = "InvoiceIssued"
    routing_stem: ClassVar[str] = "invoice.issued"

    invoice_id: UUID
    number: str
    siren: str
    kind: InvoiceKind
    #: The membership, upgrade or booking the invoice was issued for.
    subject_id: UUID
    year: int
    total: Money
    issued_on: date
    due_on: date


class InvoicePaid(_BillingEvent):
    """An invoice is paid in full (F5): a dues invoice's payment activates the membership."""

    event_type: ClassVar[str] = "InvoicePaid"
    routing_stem: ClassVar[str] = "invoice.paid"

    invoice_id: UUID
    number: str
    siren: str
    kind: InvoiceKind
    subject_id: UUID
    year: int
    total: Money
    paid_on: date


class CreditNoteIssued(_BillingEvent):
    """A credit note cancels an invoice fully or in part (F2)."""

    event_type: ClassVar[str] = "CreditNoteIssued"
    routing_stem: ClassVar[str] = "credit_note.issued"

    credit_note_id: UUID
    number: str
    invoice_id: UUID
    invoice_number: str
    siren: str
    kind: InvoiceKind
    subject_id: UUID
    amount: Money
    #: True when the invoice is cancelled in full (nothing left to pay on it).
    cancels_invoice: bool
    reason: str
    issued_on: date


class PaymentRecorded(_BillingEvent):
    event_type: ClassVar[str] = "PaymentRecorded"
    routing_stem: ClassVar[str] = "payment.recorded"

    payment_id: UUID
    amount: Money
    method: Literal["transfer", "cheque", "card"]
    received_on: date
    invoice_id: UUID | None
    recorded_at: datetime


class InvoiceOverdue(_BillingEvent):
    event_type: ClassVar[str] = "InvoiceOverdue"
    routing_stem: ClassVar[str] = "invoice.overdue"

    invoice_id: UUID
    number: str
    siren: str
    due_on: date
    amount_due: Money
