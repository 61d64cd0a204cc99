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
    """An invoice was issued (F1, F2). About the invoice: ``aggregate_id`` is ``invoice_id`` and
    ``aggregate_version`` 1, the first of the versions its later events carry. Every billing event
    now carries its aggregate's ``aggregate_version`` (it was null before: an additive change),
    so that a consumer can drop one older than what it applied."""

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
    """An invoice is paid in full (F5): a dues invoice's payment activates the membership.
    About the invoice (``aggregate_id`` = ``invoice_id``), at the ``aggregate_version`` the paid
    mark left it: one older than a ``CreditNoteIssued`` of the same invoice is stale."""

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
    """A credit note cancels an invoice fully or in part (F2). About the invoice, not the credit
    note (``aggregate_id`` = ``invoice_id``), at the ``aggregate_version`` the credit left it; an
    ``InvoicePaid`` it causes follows with a newer one."""

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
    """A payment was recorded (F4). About the payment (``aggregate_id`` = ``payment_id``), at the
    ``aggregate_version`` it has once allocated to the invoices its reference names."""

    event_type: ClassVar[str] = "PaymentRecorded"
    routing_stem: ClassVar[str] = "payment.recorded"

    payment_id: UUID
    amount: Money
    method: Literal["transfer", "cheque", "card"]
    received_on: date
    invoice_id: UUID | None
    recorded_at: datetime


class InvoiceOverdue(_BillingEvent):
    """An invoice is past its due date with something left to pay (F4), once. About the invoice
    (``aggregate_id`` = ``invoice_id``), at the ``aggregate_version`` the overdue mark left it."""

    event_type: ClassVar[str] = "InvoiceOverdue"
    routing_stem: ClassVar[str] = "invoice.overdue"

    invoice_id: UUID
    number: str
    siren: str
    due_on: date
    amount_due: Money


class InvoiceReminderSent(_BillingEvent):
    """A reminder of an overdue invoice was sent (F3, F6): a letter at one level of the finance
    team's schedule (days after the due date), the last level a formal notice (mise en
    demeure); each level once per invoice. About the invoice (``aggregate_id`` =
    ``invoice_id``), at the ``aggregate_version`` the reminder left it. Added beside the other
    billing events: no consumer had to change."""

    event_type: ClassVar[str] = "InvoiceReminderSent"
    routing_stem: ClassVar[str] = "invoice.reminder_sent"

    invoice_id: UUID
    number: str
    siren: str
    #: The reminder, and its letter (a stored document).
    reminder_id: UUID
    #: 1, 2, 3... in the order of the schedule.
    level: int
    kind: Literal["reminder", "formal_notice"]
    sent_on: date
    due_on: date
    #: What was left to pay when it was sent.
    amount_due: Money
