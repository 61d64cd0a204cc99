"""Request and response bodies of the billing API (amounts are decimal strings)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from billing.domain.invoices import InvoiceKind, Line, Status
from billing.repositories.records import (
    CreditNoteRecord,
    CustomerRecord,
    InvoiceRecord,
    PaymentRecord,
    ReminderRecord,
)
from billing.use_cases.statements import ReportedLine, StatementReport
from shared.text import ClientText as Text


class LineOut(BaseModel):
    description: str
    quantity: int
    unit_price: Decimal
    amount: Decimal


class CustomerOut(BaseModel):
    """The customer as the invoice names it (copied at issue: it never changes)."""

    siren: str
    legal_name: str
    address_line: str
    postal_code: str
    city: str
    siret: str | None
    public_body: bool


class CustomerAccountOut(BaseModel):
    """A main structure as billing knows it today (F1), with what Chorus Pro needs (F8)."""

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
    chorus_service_code: str | None
    chorus_commitment_number: str | None
    chorus_service_code_required: bool
    chorus_commitment_required: bool

    @classmethod
    def of(cls, c: CustomerRecord) -> CustomerAccountOut:
        return cls(
            siren=c.siren,
            siret=c.siret,
            legal_name=c.legal_name,
            address_line=c.address_line,
            postal_code=c.postal_code,
            city=c.city,
            insee_code=c.insee_code,
            public_body=c.public_body,
            email=c.email,
            updated_at=c.updated_at,
            chorus_service_code=c.chorus_service_code,
            chorus_commitment_number=c.chorus_commitment_number,
            chorus_service_code_required=c.chorus_service_code_required,
            chorus_commitment_required=c.chorus_commitment_required,
        )


class ChorusReferencesIn(BaseModel):
    """F8: what finance records of a public body; a field left out keeps what is known."""

    siret: str | None = Field(default=None, pattern=r"^[0-9]{14}$")
    service_code: Text | None = Field(default=None, min_length=1, max_length=100)
    commitment_number: Text | None = Field(default=None, min_length=1, max_length=50)


class ChorusReferencesOut(BaseModel):
    customer: CustomerAccountOut
    #: The documents that waited for these references: their files are now made.
    released: list[str]
    #: The documents still lacking a reference, with what they lack.
    still_waiting: dict[str, list[str]]


class CreditNoteOut(BaseModel):
    id: UUID
    number: str
    invoice_id: UUID
    invoice_number: str
    siren: str
    amount: Decimal
    reason: str
    cancels_invoice: bool
    issued_on: date

    @classmethod
    def of(cls, c: CreditNoteRecord) -> CreditNoteOut:
        return cls(
            id=c.id,
            number=c.number,
            invoice_id=c.invoice_id,
            invoice_number=c.invoice_number,
            siren=c.siren,
            amount=c.amount,
            reason=c.reason,
            cancels_invoice=c.cancels_invoice,
            issued_on=c.issued_on,
        )


class InvoiceOut(BaseModel):
    id: UUID
    number: str
    kind: InvoiceKind
    subject_id: UUID
    membership_id: UUID | None
    siren: str
    year: int
    plan: str | None
    customer: CustomerOut
    issued_on: date
    due_on: date
    total: Decimal
    credited: Decimal
    paid: Decimal
    outstanding: Decimal
    overpaid: Decimal
    status: Status
    paid_on: date | None
    overdue_on: date | None
    lines: list[LineOut] = Field(default_factory=list)
    credit_notes: list[CreditNoteOut] = Field(default_factory=list)

    @classmethod
    def of(
        cls,
        i: InvoiceRecord,
        today: date,
        lines: list[Line] | None = None,
        credit_notes: list[CreditNoteRecord] | None = None,
    ) -> InvoiceOut:
        b = i.balance
        c = i.customer
        return cls(
            id=i.id,
            number=i.number,
            kind=i.kind,
            subject_id=i.subject_id,
            membership_id=i.membership_id,
            siren=i.siren,
            year=i.year,
            plan=i.plan,
            customer=CustomerOut(
                siren=c.siren,
                legal_name=c.legal_name,
                address_line=c.address_line,
                postal_code=c.postal_code,
                city=c.city,
                siret=c.siret,
                public_body=c.public_body,
            ),
            issued_on=i.issued_on,
            due_on=i.due_on,
            total=i.total,
            credited=i.credited,
            paid=i.paid,
            outstanding=b.outstanding,
            overpaid=b.overpaid,
            status=i.status(today),
            paid_on=i.paid_on,
            overdue_on=i.overdue_on,
            lines=[
                LineOut(
                    description=x.description,
                    quantity=x.quantity,
                    unit_price=x.unit_price,
                    amount=x.amount,
                )
                for x in lines or []
            ],
            credit_notes=[CreditNoteOut.of(n) for n in credit_notes or []],
        )


class CreditNoteIn(BaseModel):
    #: None: the whole remainder of the invoice (a full cancellation).
    amount: Decimal | None = None
    reason: Text = Field(min_length=1, max_length=500)


class PaymentIn(BaseModel):
    method: Text = Field(max_length=30, description="transfer, cheque or card")
    amount: Decimal
    received_on: date
    payer_reference: Text = Field(default="", max_length=500)
    bank_reference: Text = Field(min_length=1, max_length=200)
    payer: Text | None = Field(default=None, max_length=300)
    #: Allocate to this invoice at once (by hand); else matched by the number in the reference.
    invoice_number: Text | None = Field(default=None, max_length=30)


class PaymentOut(BaseModel):
    id: UUID
    method: str
    amount: Decimal
    received_on: date
    payer_reference: str
    bank_reference: str
    payer: str | None
    source: str
    recorded_at: datetime
    allocated: Decimal
    unallocated: Decimal
    #: Nothing allocated yet; allocated in part; allocated in full.
    status: Literal["unmatched", "partly_matched", "matched"]
    duplicate: bool = False

    @classmethod
    def of(cls, p: PaymentRecord, *, duplicate: bool = False) -> PaymentOut:
        status: Literal["unmatched", "partly_matched", "matched"]
        if p.allocated <= 0:
            status = "unmatched"
        elif p.unallocated > 0:
            status = "partly_matched"
        else:
            status = "matched"
        return cls(
            id=p.id,
            method=p.method,
            amount=p.amount,
            received_on=p.received_on,
            payer_reference=p.payer_reference,
            bank_reference=p.bank_reference,
            payer=p.payer,
            source=p.source,
            recorded_at=p.recorded_at,
            allocated=p.allocated,
            unallocated=p.unallocated,
            status=status,
            duplicate=duplicate,
        )


class AllocationIn(BaseModel):
    invoice_number: Text = Field(min_length=1, max_length=30)
    #: None: everything still unallocated on the payment.
    amount: Decimal | None = None


class StatementLineOut(BaseModel):
    line: int
    bank_reference: str
    booked_on: date
    amount: Decimal
    label: str
    outcome: str
    payment_id: UUID | None = None
    invoice_numbers: list[str] = Field(default_factory=list)


class StatementReportOut(BaseModel):
    """What the import did with each line of the statement (F4)."""

    format: str
    #: Payments recorded now (matched and unmatched).
    recorded: int
    matched: list[StatementLineOut]
    unmatched: list[StatementLineOut]
    duplicates: list[StatementLineOut]
    skipped: list[StatementLineOut]
    refused: list[StatementLineOut]

    @classmethod
    def of(cls, report: StatementReport, format: str) -> StatementReportOut:
        def lines(found: list[ReportedLine]) -> list[StatementLineOut]:
            return [
                StatementLineOut(
                    line=x.line,
                    bank_reference=x.bank_reference,
                    booked_on=x.booked_on,
                    amount=x.amount,
                    label=x.label,
                    outcome=x.outcome,
                    payment_id=x.payment_id,
                    invoice_numbers=list(x.invoice_numbers),
                )
                for x in found
            ]

        return cls(
            format=format,
            recorded=report.recorded,
            matched=lines(report.matched),
            unmatched=lines(report.unmatched),
            duplicates=lines(report.duplicates),
            skipped=lines(report.skipped),
            refused=lines(report.refused),
        )


class ReminderOut(BaseModel):
    """F3, F6: a reminder sent, and the number of its letter."""

    id: UUID
    level: int
    kind: str
    days_after_due: int
    sent_on: date
    amount_due: Decimal
    document: str

    @classmethod
    def of(cls, r: ReminderRecord, document: str) -> ReminderOut:
        return cls(
            id=r.id,
            level=r.level,
            kind=r.kind,
            days_after_due=r.days_after_due,
            sent_on=r.sent_on,
            amount_due=r.amount_due,
            document=document,
        )


class RemindersRunOut(BaseModel):
    as_of: date
    sent: int


class OverdueOut(BaseModel):
    as_of: date
    marked: int


class ReconciliationOut(BaseModel):
    period: dict[str, date]
    as_of: date
    invoices: dict[str, dict[str, Any]]
    invoice_rows: list[dict[str, Any]]
    payments: dict[str, dict[str, Any]]
    unmatched_payments: list[dict[str, Any]]
    credit_notes: list[dict[str, Any]]
    totals: dict[str, Decimal]
    consistent: bool
    mismatches: list[dict[str, Any]]
    #: F6: the overdue invoices of the period and their last reminder (level, kind, date).
    overdue: list[dict[str, Any]]
    #: F8: public bodies' documents waiting for a Chorus Pro reference finance must record.
    documents_waiting: list[dict[str, Any]]
