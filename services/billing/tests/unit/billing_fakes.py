"""An in-memory billing unit of work: the use cases run on dicts, without a server.

The fake repositories keep the real ones' contract: each change advances the aggregate's
version and returns it, as the database's ``RETURNING version`` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from billing.domain.invoices import InvoiceKind, Line
from billing.domain.money import ZERO, money
from billing.domain.numbering import Series
from billing.repositories.records import (
    InvoiceRecord,
    NewAllocation,
    NewCreditNote,
    NewInvoice,
    NewPayment,
    PaymentRecord,
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
class Ledger:
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
    customers: dict[str, CustomerDetails] = field(default_factory=dict)
    memberships: dict[UUID, dict[str, Any]] = field(default_factory=dict)


class FakeInvoices:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    async def lock_sequence(self, series: Series, year: int) -> int:
        return self.ledger.sequences.setdefault((series, year), 0)

    async def advance_sequence(self, series: Series, year: int, expected_last: int) -> int:
        assert self.ledger.sequences[(series, year)] == expected_last
        self.ledger.sequences[(series, year)] = expected_last + 1
        return expected_last + 1

    async def find_invoice_for_subject(self, kind: InvoiceKind, subject_id: UUID) -> UUID | None:
        return next(
            (
                i.id
                for i in self.ledger.invoices.values()
                if i.kind == kind and i.subject_id == subject_id
            ),
            None,
        )

    async def find_dues_key(self, siren: str, year: int, kind: InvoiceKind) -> UUID | None:
        return self.ledger.dues_keys.get((siren, year, kind))

    async def claim_dues_key(
        self, siren: str, year: int, kind: InvoiceKind, invoice_id: UUID
    ) -> None:
        assert (siren, year, kind) not in self.ledger.dues_keys
        self.ledger.dues_keys[(siren, year, kind)] = invoice_id

    async def release_dues_key(self, invoice_id: UUID) -> None:
        for key, held in list(self.ledger.dues_keys.items()):
            if held == invoice_id:
                del self.ledger.dues_keys[key]

    async def insert_invoice(self, invoice: NewInvoice, lines: list[Line]) -> Revision:
        self.ledger.invoices[invoice.id] = invoice
        self.ledger.lines[invoice.id] = list(lines)
        self.ledger.states[invoice.id] = InvoiceState()
        return Revision(invoice.id, 1)

    def advance(self, invoice_id: UUID, **marks: Any) -> Revision:
        state = self.ledger.states[invoice_id]
        for name, value in marks.items():
            setattr(state, name, value)
        state.version += 1
        return Revision(invoice_id, state.version)

    async def add_credit_note(self, note: NewCreditNote) -> Revision:
        self.ledger.credit_notes.append(note)
        return self.advance(note.invoice_id)

    async def mark_paid(self, invoice_id: UUID, paid_on: date, paid_at: datetime) -> Revision:
        return self.advance(invoice_id, paid_on=paid_on, paid_at=paid_at)

    async def mark_overdue(self, invoice_id: UUID, on: date) -> Revision:
        return self.advance(invoice_id, overdue_on=on)

    async def claim_overdue(self, as_of: date, limit: int) -> list[UUID]:
        due = [
            self.record(i)
            for i in self.ledger.invoices.values()
            if i.due_on < as_of and self.ledger.states[i.id].overdue_on is None
        ]
        return [r.id for r in due if r.paid_at is None and r.balance.outstanding > ZERO][:limit]

    def record(self, invoice: NewInvoice) -> InvoiceRecord:
        state = self.ledger.states[invoice.id]
        credited = sum(
            (n.amount for n in self.ledger.credit_notes if n.invoice_id == invoice.id), ZERO
        )
        paid = sum((a.amount for a in self.ledger.allocations if a.invoice_id == invoice.id), ZERO)
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
        invoice = self.ledger.invoices.get(invoice_id)
        return self.record(invoice) if invoice else None

    async def get_invoice_by_number(self, number: str) -> InvoiceRecord | None:
        found = [i for i in self.ledger.invoices.values() if i.number == number]
        return self.record(found[0]) if found else None

    async def lock_invoice(self, invoice_id: UUID) -> InvoiceRecord | None:
        return await self.get_invoice(invoice_id)


class FakePayments:
    def __init__(self, ledger: Ledger, invoices: FakeInvoices) -> None:
        self.ledger = ledger
        self.invoices = invoices

    async def insert_payment(self, payment: NewPayment) -> Revision | None:
        if any(p.bank_reference == payment.bank_reference for p in self.ledger.payments.values()):
            return None
        self.ledger.payments[payment.id] = payment
        self.ledger.payment_versions[payment.id] = 1
        return Revision(payment.id, 1)

    def record(self, payment: NewPayment) -> PaymentRecord:
        allocated = sum(
            (a.amount for a in self.ledger.allocations if a.payment_id == payment.id), ZERO
        )
        return PaymentRecord(
            id=payment.id,
            version=self.ledger.payment_versions[payment.id],
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
        payment = self.ledger.payments.get(payment_id)
        return self.record(payment) if payment else None

    async def get_payment_by_bank_reference(self, reference: str) -> PaymentRecord | None:
        found = [p for p in self.ledger.payments.values() if p.bank_reference == reference]
        return self.record(found[0]) if found else None

    async def allocate(self, allocation: NewAllocation) -> None:
        self.ledger.allocations.append(allocation)
        self.ledger.payment_versions[allocation.payment_id] += 1
        self.invoices.advance(allocation.invoice_id)


class FakeProjections:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    async def upsert_customer(self, details: CustomerDetails, now: datetime) -> None:
        self.ledger.customers[details.siren] = details

    async def record_activation(self, *, membership_id: UUID, **facts: Any) -> None:
        self.ledger.memberships.setdefault(membership_id, {}).update(facts, activated=True)

    async def record_lapse(self, *, membership_id: UUID, **facts: Any) -> None:
        self.ledger.memberships.setdefault(membership_id, {}).update(facts, lapsed=True)


class FakeBillingUnitOfWork(InMemoryUnitOfWork):
    """What the billing use cases need of a unit of work, in memory (``BillingWork``)."""

    def __init__(self, clock: Clock | None = None, ledger: Ledger | None = None) -> None:
        super().__init__(clock)
        self.settings = BillingSettings()
        self.ledger = ledger or Ledger()
        self.invoices = FakeInvoices(self.ledger)
        self.payments = FakePayments(self.ledger, self.invoices)
        self.projections = FakeProjections(self.ledger)

    def invoice_version(self, invoice_id: UUID) -> int:
        return self.ledger.states[invoice_id].version

    def paid_total(self, invoice_id: UUID) -> Decimal:
        return self.invoices.record(self.ledger.invoices[invoice_id]).paid
