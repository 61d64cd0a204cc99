"""What the use cases need of a unit of work: the real one satisfies it, and so do the
in-memory fakes of the use-case tests."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID

from billing.documents.render import References, RenderedFile
from billing.domain import fec
from billing.domain.invoices import Line
from billing.domain.numbering import Series
from billing.repositories.document_records import DocumentFilter, DocumentRecord, NewDocumentSource
from billing.repositories.records import (
    AuditoriumDate,
    AuditoriumRecord,
    CustomerRecord,
    InvoiceRecord,
    IssueKey,
    NewAllocation,
    NewCreditNote,
    NewEntry,
    NewIssue,
    NewPayment,
    PaymentRecord,
    PostedEntry,
    ReminderRecord,
    Revision,
    StoredAnswer,
)
from billing.settings import BillingSettings
from shared.clock import Clock
from shared.contracts.membership import CustomerDetails
from shared.messaging.outbox import OutboxWriter


class InvoiceStore(Protocol):
    async def lock_sequence(self, series: Series, year: int) -> int: ...

    async def advance_sequence(
        self, series: Series, year: int, expected_last: int, count: int = 1
    ) -> int: ...

    async def find_issued(self, keys: Sequence[IssueKey]) -> list[UUID | None]: ...

    async def advance_unless_issued(
        self, year: int, expected_last: int, keys: Sequence[IssueKey]
    ) -> tuple[list[UUID | None], int]: ...

    async def release_dues_key(self, invoice_id: UUID) -> None: ...

    async def insert_invoices(self, issues: Sequence[NewIssue]) -> list[Revision]: ...

    async def add_credit_note(self, note: NewCreditNote) -> Revision: ...

    async def mark_paid(self, invoice_id: UUID, paid_on: date, paid_at: datetime) -> Revision: ...

    async def mark_overdue(self, invoice_id: UUID, on: date) -> Revision: ...

    async def record_reminder(self, invoice_id: UUID) -> Revision: ...

    async def claim_overdue(self, as_of: date, limit: int) -> list[UUID]: ...

    async def get_invoice(self, invoice_id: UUID) -> InvoiceRecord | None: ...

    async def get_invoice_by_number(self, number: str) -> InvoiceRecord | None: ...

    async def lock_invoice(self, invoice_id: UUID) -> InvoiceRecord | None: ...

    async def existing_numbers(self, numbers: Collection[str]) -> set[str]: ...

    async def lines_of(self, invoice_id: UUID) -> list[Line]: ...


class PaymentStore(Protocol):
    async def insert_payment(self, payment: NewPayment) -> Revision | None: ...

    async def get_payment(
        self, payment_id: UUID, *, lock: bool = False
    ) -> PaymentRecord | None: ...

    async def get_payment_by_bank_reference(self, reference: str) -> PaymentRecord | None: ...

    async def allocate(self, allocation: NewAllocation) -> int: ...


class LedgerStore(Protocol):
    async def next_number(
        self, journal: str, fiscal_year: int, today: date
    ) -> tuple[int, date]: ...

    async def post_entry(self, entry: NewEntry, posted: fec.Entry) -> PostedEntry: ...

    async def post_entries(
        self, entries: Sequence[tuple[NewEntry, fec.Entry]]
    ) -> list[PostedEntry]: ...

    async def open_customer_lines(self, invoice_id: Any) -> list[fec.OpenLine] | None: ...

    async def add_lettering(
        self,
        *,
        fiscal_year: int,
        code: str,
        lettered_on: date,
        invoice_id: Any,
        lines: list[fec.OpenLine],
    ) -> None: ...


class AuditoriumStore(Protocol):
    async def record_booked(
        self, booking: AuditoriumDate, *, amount: Decimal, booked_at: datetime, now: datetime
    ) -> AuditoriumRecord: ...

    async def record_cancelled(
        self, booking: AuditoriumDate, *, cancelled_at: datetime, reason: str, now: datetime
    ) -> AuditoriumRecord: ...

    async def set_invoice(self, booking_id: UUID, invoice_id: UUID) -> None: ...

    async def set_credit_note(self, booking_id: UUID, credit_note_id: UUID) -> None: ...

    async def waiting_of(self, sirens: Collection[str]) -> list[AuditoriumRecord]: ...


class ReminderStore(Protocol):
    async def claim_due(self, as_of: date, days: Sequence[int], limit: int) -> list[UUID]: ...

    async def add(
        self,
        *,
        reminder_id: UUID,
        invoice_id: UUID,
        level: int,
        kind: str,
        days_after_due: int,
        sent_on: date,
        amount_due: Any,
        created_at: Any,
    ) -> None: ...

    async def of_invoice(self, invoice_id: UUID) -> list[ReminderRecord]: ...


class IdempotencyStore(Protocol):
    async def claim(self, principal: str, key: str, fingerprint: str, now: datetime) -> bool: ...

    async def answer(self, principal: str, key: str) -> StoredAnswer | None: ...

    async def remember(self, principal: str, key: str, status: int, body: Any) -> None: ...


class DocumentStore(Protocol):
    async def add_source(self, source: NewDocumentSource) -> None: ...

    async def add_sources(self, sources: Sequence[NewDocumentSource]) -> None: ...

    async def get_document(
        self, document_id: UUID, *, content: bool = True
    ) -> DocumentRecord | None: ...

    async def invoice_document(self, invoice_id: UUID) -> DocumentRecord | None: ...

    async def list_documents(
        self, where: DocumentFilter, *, content: bool = False
    ) -> list[DocumentRecord]: ...

    async def claim_producible(
        self, limit: int, where: DocumentFilter | None = None
    ) -> list[DocumentRecord]: ...

    async def store_file(self, document_id: UUID, file: RenderedFile, at: datetime) -> bool: ...

    async def add_references(
        self,
        document_id: UUID,
        references: References,
        *,
        complete: bool,
        at: datetime,
        by: str,
    ) -> None: ...


class ProjectionStore(Protocol):
    async def upsert_customer(self, details: CustomerDetails, now: datetime) -> CustomerRecord: ...

    async def upsert_customers(
        self, details: Sequence[CustomerDetails], now: datetime
    ) -> list[CustomerRecord]: ...

    async def get_customer(self, siren: str) -> CustomerRecord | None: ...

    async def record_chorus_references(
        self,
        siren: str,
        *,
        siret: str | None,
        service_code: str | None,
        commitment_number: str | None,
        now: datetime,
    ) -> CustomerRecord | None: ...

    async def record_activation(
        self,
        *,
        membership_id: UUID,
        siren: str,
        year: int,
        plan: str,
        activated_at: datetime,
        invoice_id: UUID | None,
        now: datetime,
    ) -> None: ...

    async def record_lapse(
        self,
        *,
        membership_id: UUID,
        siren: str,
        year: int,
        lapsed_on: date,
        reason: str,
        now: datetime,
    ) -> None: ...


class BillingWork(Protocol):
    """A unit of work as the use cases see it."""

    @property
    def clock(self) -> Clock: ...

    @property
    def outbox(self) -> OutboxWriter: ...

    @property
    def settings(self) -> BillingSettings: ...

    @property
    def invoices(self) -> InvoiceStore: ...

    @property
    def payments(self) -> PaymentStore: ...

    @property
    def projections(self) -> ProjectionStore: ...

    @property
    def documents(self) -> DocumentStore: ...

    @property
    def ledger(self) -> LedgerStore: ...

    @property
    def idempotency(self) -> IdempotencyStore: ...

    @property
    def reminders(self) -> ReminderStore: ...

    @property
    def auditorium(self) -> AuditoriumStore: ...
