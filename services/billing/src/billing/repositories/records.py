"""The typed records at the repository boundary: what queries return and what writes take.

Every aggregate record carries its ``version``, the database's (the ``RETURNING version`` of the
write that changed it); :func:`aggregate_ref` turns one into the ``AggregateRef`` its events
carry, so that a consumer can tell a stale event from a newer one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Generic, Protocol, TypeVar
from uuid import UUID

from billing.domain.invoices import Balance, InvoiceKind, Line, Status
from billing.domain.mentions import Customer
from billing.domain.money import money
from shared.messaging.outbox import AggregateRef

T = TypeVar("T")


class Versioned(Protocol):
    @property
    def id(self) -> UUID: ...

    @property
    def version(self) -> int: ...


@dataclass(frozen=True)
class Revision:
    """An aggregate row as a write left it: ``RETURNING id, version``."""

    id: UUID
    version: int


def aggregate_ref(aggregate: Versioned) -> AggregateRef:
    """The ``AggregateRef`` of an event about ``aggregate``, at the version the write left it."""
    return AggregateRef.of(aggregate.id, aggregate.version)


@dataclass(frozen=True)
class Listing(Generic[T]):
    """One page of a list, and how many match in all."""

    items: list[T]
    total: int


# -- invoices ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceRecord:
    id: UUID
    version: int
    number: str
    kind: InvoiceKind
    subject_id: UUID
    membership_id: UUID | None
    siren: str
    year: int
    plan: str | None
    customer: Customer
    issued_on: date
    due_on: date
    total: Decimal
    credited: Decimal
    paid: Decimal
    paid_on: date | None
    paid_at: datetime | None
    overdue_on: date | None
    created_at: datetime | None = None

    @property
    def balance(self) -> Balance:
        return Balance(self.total, self.credited, self.paid)

    def status(self, today: date) -> Status:
        return self.balance.status(self.due_on, today, marked_overdue=self.overdue_on is not None)


@dataclass(frozen=True)
class NewInvoice:
    """An invoice to issue (F1-F3): its number, its customer as printed, its dates and total."""

    id: UUID
    number: str
    series_year: int
    sequence: int
    kind: InvoiceKind
    subject_id: UUID
    membership_id: UUID | None
    customer: Customer
    year: int
    plan: str | None
    issued_on: date
    due_on: date
    total: Decimal
    created_at: datetime


@dataclass(frozen=True)
class IssueKey:
    """F1: what an invoice is issued for once: its subject (membership, upgrade, booking),
    and for dues, the structure and membership year (the live dues key)."""

    kind: InvoiceKind
    subject_id: UUID
    dues: tuple[str, int] | None


@dataclass(frozen=True)
class NewIssue:
    """An invoice to issue with its lines; ``claims_dues_key``: it holds its dues key."""

    invoice: NewInvoice
    lines: list[Line]
    claims_dues_key: bool


@dataclass(frozen=True)
class InvoiceFilter:
    """Which invoices a list holds; ``None`` filters nothing."""

    siren: str | None = None
    #: Where the invoice stands on the day of the query (see ``Balance.status``).
    status: Status | None = None
    #: The period of issue, both days included.
    issued_from: date | None = None
    issued_to: date | None = None
    #: The membership year(s) the dues are for.
    dues_years: tuple[int, ...] | None = None
    kinds: tuple[InvoiceKind, ...] | None = None
    #: F8: invoices addressed to public bodies (Chorus Pro).
    public_body: bool | None = None


# -- credit notes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreditNoteRecord:
    id: UUID
    number: str
    invoice_id: UUID
    invoice_number: str
    #: The cancelled invoice's kind and customer name, as printed on it.
    invoice_kind: InvoiceKind
    customer_name: str
    siren: str
    amount: Decimal
    reason: str
    cancels_invoice: bool
    issued_on: date
    created_at: datetime | None = None


@dataclass(frozen=True)
class NewCreditNote:
    id: UUID
    number: str
    series_year: int
    sequence: int
    invoice_id: UUID
    siren: str
    amount: Decimal
    reason: str
    cancels_invoice: bool
    issued_on: date
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class CreditNoteFilter:
    id: UUID | None = None
    number: str | None = None
    invoice_id: UUID | None = None
    siren: str | None = None
    issued_from: date | None = None
    issued_to: date | None = None


# -- payments ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentRecord:
    id: UUID
    version: int
    method: str
    amount: Decimal
    received_on: date
    payer_reference: str
    bank_reference: str
    payer: str | None
    source: str
    recorded_at: datetime
    allocated: Decimal

    @property
    def unallocated(self) -> Decimal:
        return money(self.amount - self.allocated)


@dataclass(frozen=True)
class NewPayment:
    id: UUID
    method: str
    amount: Decimal
    received_on: date
    payer_reference: str
    bank_reference: str
    payer: str | None
    #: ``manual`` (recorded by finance) or ``import`` (a bank export).
    source: str
    recorded_at: datetime
    recorded_by: str


@dataclass(frozen=True)
class NewAllocation:
    """(Part of) a payment allocated to an invoice: it changes both aggregates."""

    payment_id: UUID
    invoice_id: UUID
    amount: Decimal
    allocated_on: date
    allocated_at: datetime
    #: Matched when the payment was recorded (bank journal), else by hand later (OD journal).
    at_recording: bool
    allocated_by: str


@dataclass(frozen=True)
class PaymentFilter:
    #: True: allocated in full; False: something is left to allocate (the unmatched queue).
    matched: bool | None = None
    #: The period of receipt, both days included.
    received_from: date | None = None
    received_to: date | None = None


@dataclass(frozen=True)
class AllocationRecord:
    payment_id: UUID
    invoice_id: UUID
    invoice_number: str
    siren: str
    customer_name: str
    amount: Decimal
    allocated_on: date
    at_recording: bool
    bank_reference: str


# -- what billing knows of structures and memberships (from membership events) -----------------


@dataclass(frozen=True)
class CustomerRecord:
    siren: str
    siret: str | None
    legal_name: str
    address_line: str
    postal_code: str
    city: str
    insee_code: str | None
    public_body: bool
    email: str | None
    updated_at: datetime
    #: F8: what Chorus Pro routes a public body's invoices by, and what the body requires.
    chorus_service_code: str | None = None
    chorus_commitment_number: str | None = None
    chorus_service_code_required: bool = False
    chorus_commitment_required: bool = False


@dataclass(frozen=True)
class CustomerFilter:
    #: Part of the legal name, in any case.
    name: str | None = None
    siren: str | None = None
    public_body: bool | None = None


@dataclass(frozen=True)
class MembershipRecord:
    membership_id: UUID
    siren: str
    year: int
    plan: str
    activated_at: datetime | None
    lapsed_on: date | None


# -- ledger (F7) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NewEntry:
    """An entry to post: its number and validation date come from the journal's counter."""

    journal: str
    fiscal_year: int
    #: Today: the entry is validated today, or on the journal's last validation date if later.
    valid_on: date
    #: The fact it records (``invoice``, ``credit_note``, ``payment``, ``allocation``) and its id.
    source_kind: str
    source_id: str
    posted_at: datetime


@dataclass(frozen=True)
class PostedEntry:
    id: int
    number: int
    valid_on: date


# -- idempotency keys --------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredAnswer:
    """The request an idempotency key was first used for, and the answer it was given."""

    fingerprint: str
    status: int | None
    body: Any


# -- reminders (F3, F6) ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderRecord:
    id: UUID
    invoice_id: UUID
    level: int
    kind: str
    days_after_due: int
    sent_on: date
    amount_due: Decimal


# -- auditorium dates (B3, F6) -----------------------------------------------------------------


@dataclass(frozen=True)
class AuditoriumDate:
    """One auditorium date as a booking event describes it."""

    booking_id: UUID
    siren: str
    resource_id: UUID
    resource_name: str
    booked_on: date
    starts_at: time
    ends_at: time


@dataclass(frozen=True)
class AuditoriumRecord:
    booking_id: UUID
    siren: str
    resource_id: UUID
    resource_name: str
    booked_on: date
    starts_at: time
    ends_at: time
    amount: Decimal | None
    booked_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    invoice_id: UUID | None
    credit_note_id: UUID | None
