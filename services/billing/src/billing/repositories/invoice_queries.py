"""The SQL of an invoice and of a credit note as records, and of the filters of their lists."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import sqlalchemy as sa

from billing.domain.invoices import InvoiceKind, Status
from billing.domain.mentions import Customer
from billing.domain.money import money
from billing.repositories.records import (
    CreditNoteFilter,
    CreditNoteRecord,
    InvoiceFilter,
    InvoiceRecord,
)
from billing.tables import credit_notes, invoice_state, invoices, payment_allocations

credited_sum = (
    sa.select(sa.func.coalesce(sa.func.sum(credit_notes.c.amount), 0))
    .where(credit_notes.c.invoice_id == invoices.c.id)
    .scalar_subquery()
)
paid_sum = (
    sa.select(sa.func.coalesce(sa.func.sum(payment_allocations.c.amount), 0))
    .where(payment_allocations.c.invoice_id == invoices.c.id)
    .scalar_subquery()
)
INVOICE_COLUMNS = (
    invoices,
    credited_sum.label("credited"),
    paid_sum.label("paid"),
    invoice_state.c.paid_on,
    invoice_state.c.paid_at,
    invoice_state.c.overdue_on,
    invoice_state.c.version,
)
INVOICE_WITH_STATE = invoices.join(invoice_state, invoice_state.c.invoice_id == invoices.c.id)


def invoice_select() -> sa.Select[Any]:
    return sa.select(*INVOICE_COLUMNS).select_from(INVOICE_WITH_STATE)


def status_is(status: Status, today: date) -> sa.ColumnElement[bool]:
    """The SQL of ``Balance.status(...) == status`` on ``today``: a list filters by where
    invoices stand exactly as each invoice reports it."""
    net = invoices.c.total - credited_sum
    expression = sa.case(
        (credited_sum >= invoices.c.total, Status.CANCELLED.value),
        (paid_sum >= net, Status.PAID.value),
        (
            sa.or_(invoices.c.due_on < today, invoice_state.c.overdue_on.is_not(None)),
            Status.OVERDUE.value,
        ),
        (paid_sum > 0, Status.PARTLY_PAID.value),
        else_=Status.UNPAID.value,
    )
    return expression == status.value


def invoice_record(row: Any) -> InvoiceRecord:
    m = row._mapping
    return InvoiceRecord(
        id=m["id"],
        version=m["version"],
        number=m["number"],
        kind=cast(InvoiceKind, m["kind"]),
        subject_id=m["subject_id"],
        membership_id=m["membership_id"],
        siren=m["siren"],
        year=m["year"],
        plan=m["plan"],
        customer=Customer(
            siren=m["siren"],
            legal_name=m["customer_name"],
            address_line=m["customer_address_line"],
            postal_code=m["customer_postal_code"],
            city=m["customer_city"],
            siret=m["customer_siret"],
            public_body=m["customer_public_body"],
        ),
        issued_on=m["issued_on"],
        due_on=m["due_on"],
        total=money(m["total"]),
        credited=money(m["credited"]),
        paid=money(m["paid"]),
        paid_on=m["paid_on"],
        paid_at=m["paid_at"],
        overdue_on=m["overdue_on"],
        created_at=m["created_at"],
    )


def credit_note_record(row: Any) -> CreditNoteRecord:
    return CreditNoteRecord(
        id=row.id,
        number=row.number,
        invoice_id=row.invoice_id,
        invoice_number=row.invoice_number,
        invoice_kind=cast(InvoiceKind, row.invoice_kind),
        customer_name=row.customer_name,
        siren=row.siren,
        amount=money(row.amount),
        reason=row.reason,
        cancels_invoice=row.cancels_invoice,
        issued_on=row.issued_on,
        created_at=row.created_at,
    )


def invoices_where(
    query: sa.Select[Any], where: InvoiceFilter, today: date | None
) -> sa.Select[Any]:
    if where.siren is not None:
        query = query.where(invoices.c.siren == where.siren)
    if where.status is not None:
        if today is None:
            raise ValueError("filtering on status needs the day it is judged on")
        query = query.where(status_is(where.status, today))
    if where.issued_from is not None:
        query = query.where(invoices.c.issued_on >= where.issued_from)
    if where.issued_to is not None:
        query = query.where(invoices.c.issued_on <= where.issued_to)
    if where.dues_years is not None:
        query = query.where(invoices.c.year.in_(where.dues_years))
    if where.kinds is not None:
        query = query.where(invoices.c.kind.in_(where.kinds))
    if where.public_body is not None:
        query = query.where(invoices.c.customer_public_body.is_(where.public_body))
    return query


def credit_notes_where(query: sa.Select[Any], where: CreditNoteFilter) -> sa.Select[Any]:
    if where.id is not None:
        query = query.where(credit_notes.c.id == where.id)
    if where.number is not None:
        query = query.where(credit_notes.c.number == where.number)
    if where.invoice_id is not None:
        query = query.where(credit_notes.c.invoice_id == where.invoice_id)
    if where.siren is not None:
        query = query.where(credit_notes.c.siren == where.siren)
    if where.issued_from is not None:
        query = query.where(credit_notes.c.issued_on >= where.issued_from)
    if where.issued_to is not None:
        query = query.where(credit_notes.c.issued_on <= where.issued_to)
    return query


def credit_note_select(where: CreditNoteFilter) -> sa.Select[Any]:
    query = (
        sa.select(
            credit_notes,
            invoices.c.number.label("invoice_number"),
            invoices.c.kind.label("invoice_kind"),
            invoices.c.customer_name,
        )
        .join(invoices, invoices.c.id == credit_notes.c.invoice_id)
        .order_by(credit_notes.c.series_year, credit_notes.c.sequence)
    )
    return credit_notes_where(query, where)
