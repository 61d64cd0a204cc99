"""Invoices, their numbering (F2), their credit notes and their paid and overdue marks.

An issued invoice never changes (a trigger refuses it); what changes after issue lives in its
``invoice_state`` row, locked by the writes that change the invoice and carrying its version.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from billing.domain.invoices import InvoiceKind, Line
from billing.domain.money import money
from billing.domain.numbering import Series
from billing.repositories import fetch_page
from billing.repositories.invoice_queries import (
    INVOICE_WITH_STATE,
    credit_note_record,
    credit_note_select,
    credit_notes_where,
    credited_sum,
    invoice_record,
    invoice_select,
    invoices_where,
    paid_sum,
)
from billing.repositories.issuing_sql import (
    ADVANCE_UNLESS_ISSUED,
    FIND_EXISTING,
    INSERT_INVOICE,
    LOCK_SEQUENCE,
)
from billing.repositories.records import (
    CreditNoteFilter,
    CreditNoteRecord,
    InvoiceFilter,
    InvoiceRecord,
    Listing,
    NewCreditNote,
    NewInvoice,
    Revision,
)
from billing.tables import (
    credit_notes,
    dues_keys,
    invoice_lines,
    invoice_state,
    invoices,
    number_sequences,
)

#: A dues invoice's business key: (structure, membership year).
DuesKey = tuple[str, int]


def _key_params(kind: str, subject_id: UUID, dues_key: DuesKey | None) -> dict[str, Any]:
    siren, year = dues_key if dues_key else (None, None)
    return {"kind": kind, "subject_id": subject_id, "dues_siren": siren, "dues_year": year}


class InvoiceRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    # -- F2 numbering ------------------------------------------------------------------------

    async def lock_sequence(self, series: Series, year: int) -> int:
        """Lock the (series, year) counter until commit (creating it at 0): issuing is
        serialised per year. Returns its last value."""
        result = await self.connection.execute(
            LOCK_SEQUENCE, {"series": series.value, "year": year}
        )
        return int(result.scalar_one())

    async def advance_sequence(self, series: Series, year: int, expected_last: int) -> int:
        result = await self.connection.execute(
            sa.update(number_sequences)
            .where(
                number_sequences.c.series == series.value,
                number_sequences.c.year == year,
                number_sequences.c.last_value == expected_last,
            )
            .values(last_value=number_sequences.c.last_value + 1)
            .returning(number_sequences.c.last_value)
        )
        return int(result.scalar_one())

    # -- F1 business keys --------------------------------------------------------------------

    async def find_existing(
        self, kind: InvoiceKind, subject_id: UUID, dues_key: DuesKey | None
    ) -> UUID | None:
        """The invoice issued for this membership, upgrade or booking, or the live dues
        invoice of its business key (structure, year, kind)."""
        result = await self.connection.execute(
            FIND_EXISTING, _key_params(kind, subject_id, dues_key)
        )
        found = result.scalar()
        return found if found is None else UUID(str(found))

    async def advance_unless_issued(
        self,
        year: int,
        expected_last: int,
        kind: InvoiceKind,
        subject_id: UUID,
        dues_key: DuesKey | None,
    ) -> int | None:
        """F1, F2: the next invoice number of ``year`` (the counter locked by
        :meth:`lock_sequence`), unless an invoice of this subject or dues key exists: None."""
        result = await self.connection.execute(
            ADVANCE_UNLESS_ISSUED,
            {"year": year, "expected": expected_last, **_key_params(kind, subject_id, dues_key)},
        )
        found = result.scalar()
        return None if found is None else int(found)

    async def release_dues_key(self, invoice_id: UUID) -> None:
        await self.connection.execute(
            sa.delete(dues_keys).where(dues_keys.c.invoice_id == invoice_id)
        )

    # -- issue and changes -------------------------------------------------------------------

    async def insert_invoice(
        self, invoice: NewInvoice, lines: list[Line], *, claims_dues_key: bool
    ) -> Revision:
        """Issue ``invoice``: its row, its lines, its dues key (F1, when it is a dues invoice)
        and its state row at version 1, in one statement."""
        c = invoice.customer
        result = await self.connection.execute(
            INSERT_INVOICE,
            {
                "id": invoice.id,
                "number": invoice.number,
                "series_year": invoice.series_year,
                "sequence": invoice.sequence,
                "kind": invoice.kind,
                "subject_id": invoice.subject_id,
                "membership_id": invoice.membership_id,
                "siren": c.siren,
                "year": invoice.year,
                "plan": invoice.plan,
                "customer_name": c.legal_name,
                "customer_address_line": c.address_line,
                "customer_postal_code": c.postal_code,
                "customer_city": c.city,
                "customer_siret": c.siret,
                "customer_public_body": c.public_body,
                "issued_on": invoice.issued_on,
                "due_on": invoice.due_on,
                "total": invoice.total,
                "created_at": invoice.created_at,
                "positions": list(range(1, len(lines) + 1)),
                "descriptions": [x.description for x in lines],
                "quantities": [x.quantity for x in lines],
                "unit_prices": [x.unit_price for x in lines],
                "amounts": [x.amount for x in lines],
                "claims_dues": claims_dues_key,
            },
        )
        return Revision(*result.one())

    async def add_credit_note(self, note: NewCreditNote) -> Revision:
        """F2: a credit note on an invoice, which it changes (its version advances)."""
        await self.connection.execute(
            sa.insert(credit_notes).values(
                id=note.id,
                number=note.number,
                series_year=note.series_year,
                sequence=note.sequence,
                invoice_id=note.invoice_id,
                siren=note.siren,
                amount=note.amount,
                reason=note.reason,
                cancels_invoice=note.cancels_invoice,
                issued_on=note.issued_on,
                created_at=note.created_at,
                created_by=note.created_by,
            )
        )
        return await self._advance(note.invoice_id, {})

    async def mark_paid(self, invoice_id: UUID, paid_on: date, paid_at: datetime) -> Revision:
        """F5: the paid mark, set once (the caller holds the invoice's lock)."""
        return await self._advance(invoice_id, {"paid_on": paid_on, "paid_at": paid_at})

    async def record_reminder(self, invoice_id: UUID) -> Revision:
        """F6: a reminder of the invoice was sent (a fact about it: its version advances)."""
        return await self._advance(invoice_id, {})

    async def mark_overdue(self, invoice_id: UUID, on: date) -> Revision:
        return await self._advance(invoice_id, {"overdue_on": on})

    async def _advance(self, invoice_id: UUID, values: dict[str, Any]) -> Revision:
        result = await self.connection.execute(
            sa.update(invoice_state)
            .where(invoice_state.c.invoice_id == invoice_id)
            .values(version=invoice_state.c.version + 1, **values)
            .returning(invoice_state.c.invoice_id, invoice_state.c.version)
        )
        return Revision(*result.one())

    async def claim_overdue(self, as_of: date, limit: int) -> list[UUID]:
        """Invoices past due not yet marked overdue, locked (others skip them)."""
        result = await self.connection.execute(
            sa.select(invoice_state.c.invoice_id)
            .join(invoices, invoices.c.id == invoice_state.c.invoice_id)
            .where(
                invoices.c.due_on < as_of,
                invoice_state.c.overdue_on.is_(None),
                invoice_state.c.paid_at.is_(None),
                invoices.c.total - credited_sum - paid_sum > 0,
            )
            .order_by(invoices.c.due_on, invoices.c.number)
            .limit(limit)
            .with_for_update(of=invoice_state, skip_locked=True)
        )
        return list(result.scalars())

    # -- reads -------------------------------------------------------------------------------

    async def _one(self, query: sa.Select[Any]) -> InvoiceRecord | None:
        row = (await self.connection.execute(query)).first()
        return invoice_record(row) if row else None

    async def get_invoice(self, invoice_id: UUID) -> InvoiceRecord | None:
        return await self._one(invoice_select().where(invoices.c.id == invoice_id))

    async def get_invoice_by_number(self, number: str) -> InvoiceRecord | None:
        return await self._one(invoice_select().where(invoices.c.number == number))

    async def existing_numbers(self, numbers: Collection[str]) -> set[str]:
        """Which of ``numbers`` are invoices billing issued (F4: matching a statement)."""
        if not numbers:
            return set()
        result = await self.connection.execute(
            sa.select(invoices.c.number).where(invoices.c.number.in_(list(numbers)))
        )
        return set(result.scalars())

    async def lock_invoice(self, invoice_id: UUID) -> InvoiceRecord | None:
        """The invoice with its state row locked: payments and credit notes on one invoice
        are serialised, so ``InvoicePaid`` is decided once."""
        # Once the lock is granted PostgreSQL returns the state row's latest version.
        return await self._one(
            invoice_select().where(invoices.c.id == invoice_id).with_for_update(of=invoice_state)
        )

    async def lines_of(self, invoice_id: UUID) -> list[Line]:
        rows = await self.connection.execute(
            sa.select(invoice_lines)
            .where(invoice_lines.c.invoice_id == invoice_id)
            .order_by(invoice_lines.c.position)
        )
        return [Line(r.description, r.quantity, money(r.unit_price)) for r in rows]

    async def list_invoices(
        self, where: InvoiceFilter, *, today: date | None = None
    ) -> list[InvoiceRecord]:
        """Every invoice matching ``where``, in number order (reports and exports)."""
        query = invoices_where(invoice_select(), where, today).order_by(
            invoices.c.series_year, invoices.c.sequence
        )
        return [invoice_record(r) for r in await self.connection.execute(query)]

    async def page_invoices(
        self, where: InvoiceFilter, *, today: date, limit: int, offset: int
    ) -> Listing[InvoiceRecord]:
        query = invoices_where(invoice_select(), where, today).order_by(
            invoices.c.series_year, invoices.c.sequence
        )
        count = invoices_where(
            sa.select(sa.func.count()).select_from(INVOICE_WITH_STATE), where, today
        )
        return await fetch_page(
            self.connection, query, count, invoice_record, limit=limit, offset=offset
        )

    # -- credit notes ------------------------------------------------------------------------

    async def list_credit_notes(self, where: CreditNoteFilter) -> list[CreditNoteRecord]:
        rows = await self.connection.execute(credit_note_select(where))
        return [credit_note_record(r) for r in rows]

    async def page_credit_notes(
        self, where: CreditNoteFilter, *, limit: int, offset: int
    ) -> Listing[CreditNoteRecord]:
        count = credit_notes_where(sa.select(sa.func.count()).select_from(credit_notes), where)
        return await fetch_page(
            self.connection,
            credit_note_select(where),
            count,
            credit_note_record,
            limit=limit,
            offset=offset,
        )
