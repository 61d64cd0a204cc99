"""An in-memory billing unit of work: the use cases run on dicts, without a server.

The fake repositories keep the real ones' contract: each change advances the aggregate's
version and returns it, as the database's ``RETURNING version`` does.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from billing.documents.render import References, RenderedFile
from billing.domain import fec
from billing.domain.invoices import Line
from billing.domain.money import ZERO, money
from billing.domain.numbering import Series
from billing.repositories.document_records import (
    DocumentFilter,
    DocumentRecord,
    NewDocumentSource,
    StoredFile,
)
from billing.repositories.records import (
    AuditoriumDate,
    AuditoriumRecord,
    CustomerRecord,
    InvoiceRecord,
    IssueKey,
    NewAllocation,
    NewCreditNote,
    NewEntry,
    NewInvoice,
    NewIssue,
    NewPayment,
    PaymentRecord,
    PostedEntry,
    Revision,
)
from billing.settings import BillingSettings
from shared.clock import Clock
from shared.contracts.membership import CustomerDetails
from shared.testing.fakes import InMemoryUnitOfWork


@dataclass
class InvoiceState:
    version: int = 1
    paid_on: date | None = None
    paid_at: datetime | None = None
    overdue_on: date | None = None


@dataclass
class Posted:
    entry: NewEntry
    posted: fec.Entry


@dataclass
class Books:
    """Everything the fake repositories hold, shared by the units of work of one test."""

    sequences: dict[tuple[Series, int], int] = field(default_factory=dict)
    invoices: dict[UUID, NewInvoice] = field(default_factory=dict)
    states: dict[UUID, InvoiceState] = field(default_factory=dict)
    lines: dict[UUID, list[Line]] = field(default_factory=dict)
    dues_keys: dict[tuple[str, int, str], UUID] = field(default_factory=dict)
    credit_notes: list[NewCreditNote] = field(default_factory=list)
    payments: dict[UUID, NewPayment] = field(default_factory=dict)
    payment_versions: dict[UUID, int] = field(default_factory=dict)
    allocations: list[NewAllocation] = field(default_factory=list)
    customers: dict[str, CustomerRecord] = field(default_factory=dict)
    documents: dict[UUID, DocumentRecord] = field(default_factory=dict)
    memberships: dict[UUID, dict[str, Any]] = field(default_factory=dict)
    counters: dict[tuple[str, int], tuple[int, date]] = field(default_factory=dict)
    entries: list[Posted] = field(default_factory=list)
    letterings: dict[Any, str] = field(default_factory=dict)
    auditorium: dict[UUID, AuditoriumRecord] = field(default_factory=dict)


class FakeInvoices:
    def __init__(self, books: Books) -> None:
        self.books = books

    async def lock_sequence(self, series: Series, year: int) -> int:
        return self.books.sequences.setdefault((series, year), 0)

    async def advance_sequence(
        self, series: Series, year: int, expected_last: int, count: int = 1
    ) -> int:
        assert self.books.sequences[(series, year)] == expected_last
        self.books.sequences[(series, year)] = expected_last + count
        return expected_last + count

    def _issued(self, key: IssueKey) -> UUID | None:
        for i in self.books.invoices.values():
            if i.kind == key.kind and i.subject_id == key.subject_id:
                return i.id
        return self.books.dues_keys.get((*key.dues, key.kind)) if key.dues else None

    async def find_issued(self, keys: Sequence[IssueKey]) -> list[UUID | None]:
        return [self._issued(k) for k in keys]

    async def advance_unless_issued(
        self, year: int, expected_last: int, keys: Sequence[IssueKey]
    ) -> tuple[list[UUID | None], int]:
        found = [self._issued(k) for k in keys]
        count = sum(1 for f in found if f is None)
        return found, await self.advance_sequence(Series.INVOICE, year, expected_last, count)

    async def release_dues_key(self, invoice_id: UUID) -> None:
        for key, held in list(self.books.dues_keys.items()):
            if held == invoice_id:
                del self.books.dues_keys[key]

    async def insert_invoices(self, issues: Sequence[NewIssue]) -> list[Revision]:
        for issue in issues:
            invoice = issue.invoice
            if issue.claims_dues_key:
                key = (invoice.customer.siren, invoice.year, invoice.kind)
                assert key not in self.books.dues_keys
                self.books.dues_keys[key] = invoice.id
            self.books.invoices[invoice.id] = invoice
            self.books.lines[invoice.id] = list(issue.lines)
            self.books.states[invoice.id] = InvoiceState()
        return [Revision(issue.invoice.id, 1) for issue in issues]

    def advance(self, invoice_id: UUID, **marks: Any) -> Revision:
        state = self.books.states[invoice_id]
        for name, value in marks.items():
            setattr(state, name, value)
        state.version += 1
        return Revision(invoice_id, state.version)

    async def add_credit_note(self, note: NewCreditNote) -> Revision:
        self.books.credit_notes.append(note)
        return self.advance(note.invoice_id)

    async def mark_paid(self, invoice_id: UUID, paid_on: date, paid_at: datetime) -> Revision:
        return self.advance(invoice_id, paid_on=paid_on, paid_at=paid_at)

    async def mark_overdue(self, invoice_id: UUID, on: date) -> Revision:
        return self.advance(invoice_id, overdue_on=on)

    async def claim_overdue(self, as_of: date, limit: int) -> list[UUID]:
        due = [
            self.record(i)
            for i in self.books.invoices.values()
            if i.due_on < as_of and self.books.states[i.id].overdue_on is None
        ]
        return [r.id for r in due if r.paid_at is None and r.balance.outstanding > ZERO][:limit]

    def record(self, invoice: NewInvoice) -> InvoiceRecord:
        state = self.books.states[invoice.id]
        credited = sum(
            (n.amount for n in self.books.credit_notes if n.invoice_id == invoice.id), ZERO
        )
        paid = sum((a.amount for a in self.books.allocations if a.invoice_id == invoice.id), ZERO)
        return InvoiceRecord(
            id=invoice.id,
            version=state.version,
            number=invoice.number,
            kind=invoice.kind,
            subject_id=invoice.subject_id,
            membership_id=invoice.membership_id,
            siren=invoice.customer.siren,
            year=invoice.year,
            plan=invoice.plan,
            customer=invoice.customer,
            issued_on=invoice.issued_on,
            due_on=invoice.due_on,
            total=invoice.total,
            credited=money(credited),
            paid=money(paid),
            paid_on=state.paid_on,
            paid_at=state.paid_at,
            overdue_on=state.overdue_on,
        )

    async def get_invoice(self, invoice_id: UUID) -> InvoiceRecord | None:
        invoice = self.books.invoices.get(invoice_id)
        return self.record(invoice) if invoice else None

    async def get_invoice_by_number(self, number: str) -> InvoiceRecord | None:
        found = [i for i in self.books.invoices.values() if i.number == number]
        return self.record(found[0]) if found else None

    async def lock_invoice(self, invoice_id: UUID) -> InvoiceRecord | None:
        return await self.get_invoice(invoice_id)

    async def lines_of(self, invoice_id: UUID) -> list[Line]:
        return list(self.books.lines[invoice_id])


class FakePayments:
    def __init__(self, books: Books, invoices: FakeInvoices) -> None:
        self.books = books
        self.invoices = invoices

    async def insert_payment(self, payment: NewPayment) -> Revision | None:
        if any(p.bank_reference == payment.bank_reference for p in self.books.payments.values()):
            return None
        self.books.payments[payment.id] = payment
        self.books.payment_versions[payment.id] = 1
        return Revision(payment.id, 1)

    def record(self, payment: NewPayment) -> PaymentRecord:
        allocated = sum(
            (a.amount for a in self.books.allocations if a.payment_id == payment.id), ZERO
        )
        return PaymentRecord(
            id=payment.id,
            version=self.books.payment_versions[payment.id],
            method=payment.method,
            amount=payment.amount,
            received_on=payment.received_on,
            payer_reference=payment.payer_reference,
            bank_reference=payment.bank_reference,
            payer=payment.payer,
            source=payment.source,
            recorded_at=payment.recorded_at,
            allocated=money(allocated),
        )

    async def get_payment(self, payment_id: UUID, *, lock: bool = False) -> PaymentRecord | None:
        payment = self.books.payments.get(payment_id)
        return self.record(payment) if payment else None

    async def get_payment_by_bank_reference(self, reference: str) -> PaymentRecord | None:
        found = [p for p in self.books.payments.values() if p.bank_reference == reference]
        return self.record(found[0]) if found else None

    async def allocate(self, allocation: NewAllocation) -> int:
        self.books.allocations.append(allocation)
        self.books.payment_versions[allocation.payment_id] += 1
        self.invoices.advance(allocation.invoice_id)
        return len(self.books.allocations)


class FakeProjections:
    def __init__(self, books: Books) -> None:
        self.books = books

    async def upsert_customer(self, details: CustomerDetails, now: datetime) -> CustomerRecord:
        known = self.books.customers.get(details.siren)
        record = CustomerRecord(
            siren=details.siren,
            siret=details.siret,
            legal_name=details.legal_name,
            address_line=details.address_line,
            postal_code=details.postal_code,
            city=details.city,
            insee_code=details.insee_code,
            public_body=details.public_body,
            email=details.email,
            updated_at=now,
            chorus_service_code=details.chorus_service_code
            or (known.chorus_service_code if known else None),
            chorus_commitment_number=details.chorus_commitment_number
            or (known.chorus_commitment_number if known else None),
            chorus_service_code_required=details.chorus_service_code_required,
            chorus_commitment_required=details.chorus_commitment_required,
        )
        self.books.customers[details.siren] = record
        return record

    async def upsert_customers(
        self, details: Sequence[CustomerDetails], now: datetime
    ) -> list[CustomerRecord]:
        assert len({d.siren for d in details}) == len(details), "one row per structure"
        return [await self.upsert_customer(d, now) for d in details]

    async def get_customer(self, siren: str) -> CustomerRecord | None:
        return self.books.customers.get(siren)

    async def record_chorus_references(
        self,
        siren: str,
        *,
        siret: str | None,
        service_code: str | None,
        commitment_number: str | None,
        now: datetime,
    ) -> CustomerRecord | None:
        known = self.books.customers.get(siren)
        if known is None:
            return None
        record = replace(
            known,
            siret=siret or known.siret,
            chorus_service_code=service_code or known.chorus_service_code,
            chorus_commitment_number=commitment_number or known.chorus_commitment_number,
            updated_at=now,
        )
        self.books.customers[siren] = record
        return record

    async def record_activation(self, *, membership_id: UUID, **facts: Any) -> None:
        self.books.memberships.setdefault(membership_id, {}).update(facts, activated=True)

    async def record_lapse(self, *, membership_id: UUID, **facts: Any) -> None:
        self.books.memberships.setdefault(membership_id, {}).update(facts, lapsed=True)


class FakeDocuments:
    def __init__(self, books: Books) -> None:
        self.books = books

    async def add_sources(self, sources: Sequence[NewDocumentSource]) -> None:
        for source in sources:
            await self.add_source(source)

    async def add_source(self, source: NewDocumentSource) -> None:
        assert source.document_id not in self.books.documents
        self.books.documents[source.document_id] = DocumentRecord(
            document_id=source.document_id,
            kind=source.kind,
            number=source.number,
            invoice_id=source.invoice_id,
            siren=source.siren,
            issued_on=source.issued_on,
            public_body=source.public_body,
            awaiting_references=source.awaiting_references,
            source=source.source,
            created_at=source.created_at,
        )

    async def get_document(
        self, document_id: UUID, *, content: bool = True
    ) -> DocumentRecord | None:
        return self.books.documents.get(document_id)

    async def invoice_document(self, invoice_id: UUID) -> DocumentRecord | None:
        found = self.books.documents.get(invoice_id)
        return found if found and found.kind == "invoice" else None

    async def list_documents(
        self, where: DocumentFilter, *, content: bool = False
    ) -> list[DocumentRecord]:
        found = [
            d
            for d in self.books.documents.values()
            if (where.siren is None or d.siren == where.siren)
            and (where.kinds is None or d.kind in where.kinds)
            and (
                where.waiting_for_references is None
                or d.waits_for_references == where.waiting_for_references
            )
        ]
        return sorted(found, key=lambda d: (d.kind, d.number))

    async def claim_producible(
        self, limit: int, where: DocumentFilter | None = None
    ) -> list[DocumentRecord]:
        ready = [
            d
            for d in self.books.documents.values()
            if d.file is None
            and not d.waits_for_references
            and (where is None or where.invoice_id in (None, d.invoice_id))
        ]
        return ready[:limit]

    async def store_file(self, document_id: UUID, file: RenderedFile, at: datetime) -> bool:
        document = self.books.documents[document_id]
        if document.file is not None:
            return False
        stored = StoredFile(file.file_name, file.media_type, file.sha256, at, file.content)
        self.books.documents[document_id] = replace(document, file=stored)
        return True

    async def add_references(
        self,
        document_id: UUID,
        references: References,
        *,
        complete: bool,
        at: datetime,
        by: str,
    ) -> None:
        document = self.books.documents[document_id]
        self.books.documents[document_id] = replace(
            document, references=references, references_complete=complete
        )


class FakeLedger:
    """The general ledger in memory: counters, entries, letterings."""

    def __init__(self, books: Books) -> None:
        self.books = books

    async def next_number(self, journal: str, fiscal_year: int, today: date) -> tuple[int, date]:
        last, valid_on = self.books.counters.get((journal, fiscal_year), (0, today))
        self.books.counters[(journal, fiscal_year)] = (last + 1, max(valid_on, today))
        return last + 1, max(valid_on, today)

    async def post_entry(self, entry: NewEntry, posted: fec.Entry) -> PostedEntry:
        number, valid_on = await self.next_number(entry.journal, entry.fiscal_year, entry.valid_on)
        self.books.entries.append(Posted(entry, posted))
        return PostedEntry(len(self.books.entries), number, valid_on)

    async def post_entries(
        self, entries: Sequence[tuple[NewEntry, fec.Entry]]
    ) -> list[PostedEntry]:
        return [await self.post_entry(entry, posted) for entry, posted in entries]

    async def open_customer_lines(self, invoice_id: Any) -> list[fec.OpenLine] | None:
        if invoice_id in self.books.letterings:
            return None
        return [
            fec.OpenLine(entry_id, position, p.entry.fiscal_year, p.posted.on, x.debit, x.credit)
            for entry_id, p in enumerate(self.books.entries, start=1)
            for position, x in enumerate(p.posted.lines, start=1)
            if x.invoice_id == invoice_id and x.account == fec.CUSTOMERS
        ]

    async def add_lettering(
        self,
        *,
        fiscal_year: int,
        code: str,
        lettered_on: date,
        invoice_id: Any,
        lines: list[fec.OpenLine],
    ) -> None:
        self.books.letterings[invoice_id] = code


class FakeAuditorium:
    """Auditorium dates in memory: the merges of the real repository."""

    def __init__(self, books: Books) -> None:
        self.books = books

    def _merge(self, booking: AuditoriumDate, **facts: Any) -> AuditoriumRecord:
        known = self.books.auditorium.get(booking.booking_id)
        base = known or AuditoriumRecord(
            **vars(booking),
            amount=None,
            booked_at=None,
            cancelled_at=None,
            cancel_reason=None,
            invoice_id=None,
            credit_note_id=None,
        )
        kept = {k: v for k, v in facts.items() if not (k.startswith("cancel") and getattr(base, k))}
        record = replace(base, **kept)
        self.books.auditorium[booking.booking_id] = record
        return record

    async def record_booked(
        self, booking: AuditoriumDate, *, amount: Decimal, booked_at: datetime, now: datetime
    ) -> AuditoriumRecord:
        return self._merge(booking, amount=amount, booked_at=booked_at)

    async def record_cancelled(
        self, booking: AuditoriumDate, *, cancelled_at: datetime, reason: str, now: datetime
    ) -> AuditoriumRecord:
        return self._merge(booking, cancelled_at=cancelled_at, cancel_reason=reason)

    async def set_invoice(self, booking_id: UUID, invoice_id: UUID) -> None:
        record = self.books.auditorium[booking_id]
        self.books.auditorium[booking_id] = replace(record, invoice_id=invoice_id)

    async def set_credit_note(self, booking_id: UUID, credit_note_id: UUID) -> None:
        record = self.books.auditorium[booking_id]
        self.books.auditorium[booking_id] = replace(record, credit_note_id=credit_note_id)

    async def waiting_of(self, sirens: Collection[str]) -> list[AuditoriumRecord]:
        return [
            r
            for r in self.books.auditorium.values()
            if r.siren in sirens and r.invoice_id is None and r.amount is not None
        ]


class FakeBillingUnitOfWork(InMemoryUnitOfWork):
    """What the billing use cases need of a unit of work, in memory (``BillingWork``)."""

    def __init__(self, clock: Clock | None = None, books: Books | None = None) -> None:
        super().__init__(clock)
        self.settings = BillingSettings()
        self.books = books or Books()
        self.invoices = FakeInvoices(self.books)
        self.payments = FakePayments(self.books, self.invoices)
        self.projections = FakeProjections(self.books)
        self.documents = FakeDocuments(self.books)
        self.ledger = FakeLedger(self.books)
        self.auditorium = FakeAuditorium(self.books)

    def invoice_version(self, invoice_id: UUID) -> int:
        return self.books.states[invoice_id].version

    def paid_total(self, invoice_id: UUID) -> Decimal:
        return self.invoices.record(self.books.invoices[invoice_id]).paid
