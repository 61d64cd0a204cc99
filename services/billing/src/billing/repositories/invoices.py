"""Invoices, their numbering (F2), their credit notes and their paid and overdue marks.

An issued invoice never changes (a trigger refuses it); what changes after issue lives in its
``invoice_state`` row, locked by the writes that change the invoice and carrying its version.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from billing.domain.invoices import Line
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
    ADVANCE_SEQUENCE,
    ADVANCE_UNLESS_ISSUED,
    FIND_ISSUED,
    INSERT_INVOICES,
    LOCK_SEQUENCE,
)
from billing.repositories.records import (
    CreditNoteFilter,
    CreditNoteRecord,
    InvoiceFilter,
    InvoiceRecord,
    IssueKey,
    Listing,
    NewCreditNote,
    NewIssue,
    Revision,
)
from billing.tables import (
    credit_notes,
    dues_keys,
    invoice_lines,
    invoice_state,
    invoices,
)


def _key_params(keys: Sequence[IssueKey]) -> dict[str, Any]:
    return {
        "kinds": [k.kind for k in keys],
        "subject_ids": [k.subject_id for k in keys],
        "dues_sirens": [k.dues[0] if k.dues else None for k in keys],
        "dues_years": [k.dues[1] if k.dues else None for k in keys],
    }


def _issued(rows: Any) -> list[UUID | None]:
    return [None if r.id is None else UUID(str(r.id)) for r in rows]


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

    async def advance_sequence(
        self, series: Series, year: int, expected_last: int, count: int = 1
    ) -> int:
        """Take the next ``count`` numbers of the counter locked by :meth:`lock_sequence`:
        returns the last one."""
        result = await self.connection.execute(
            ADVANCE_SEQUENCE,
            {"series": series.value, "year": year, "expected": expected_last, "count": count},
        )
        return int(result.scalar_one())

    # -- F1 business keys --------------------------------------------------------------------

    async def find_issued(self, keys: Sequence[IssueKey]) -> list[UUID | None]:
        """For each key, the invoice issued for its subject, or the live dues invoice of its
        structure and year (None: neither)."""
        if not keys:
            return []
        return _issued(await self.connection.execute(FIND_ISSUED, _key_params(keys)))

    async def advance_unless_issued(
        self, year: int, expected_last: int, keys: Sequence[IssueKey]
    ) -> tuple[list[UUID | None], int]:
        """F1, F2: under the counter's lock (:meth:`lock_sequence`), for each key the invoice
        issued meanwhile (None: none), and the counter advanced by one number per key that
        has none: returns them and the counter's last value."""
        rows = (
            await self.connection.execute(
                ADVANCE_UNLESS_ISSUED,
                {"year": year, "expected": expected_last, **_key_params(keys)},
            )
        ).all()
        last = rows[0].last_value if rows else None
        assert last is not None, "the counter was not locked at its expected value"
        return _issued(rows), int(last)

    async def release_dues_key(self, invoice_id: UUID) -> None:
        await self.connection.execute(
            sa.delete(dues_keys).where(dues_keys.c.invoice_id == invoice_id)
        )

    # -- issue and changes -------------------------------------------------------------------

    async def insert_invoices(self, issues: Sequence[NewIssue]) -> list[Revision]:
        """Issue the invoices: their rows, their lines, their dues keys (F1, for those that
        claim one) and their state rows at version 1, in one statement; their revisions in
        the same order."""
        invoices_ = [x.invoice for x in issues]
        lines = [(x.invoice.id, n, line) for x in issues for n, line in enumerate(x.lines, 1)]
        result = await self.connection.execute(
            INSERT_INVOICES,
            {
                "id": [i.id for i in invoices_],
                "number": [i.number for i in invoices_],
                "series_year": [i.series_year for i in invoices_],
                "sequence": [i.sequence for i in invoices_],
                "kind": [i.kind for i in invoices_],
                "subject_id": [i.subject_id for i in invoices_],
                "membership_id": [i.membership_id for i in invoices_],
                "siren": [i.customer.siren for i in invoices_],
                "year": [i.year for i in invoices_],
                "plan": [i.plan for i in invoices_],
                "customer_name": [i.customer.legal_name for i in invoices_],
                "customer_address_line": [i.customer.address_line for i in invoices_],
                "customer_postal_code": [i.customer.postal_code for i in invoices_],
                "customer_city": [i.customer.city for i in invoices_],
                "customer_siret": [i.customer.siret for i in invoices_],
                "customer_public_body": [i.customer.public_body for i in invoices_],
                "issued_on": [i.issued_on for i in invoices_],
                "due_on": [i.due_on for i in invoices_],
                "total": [i.total for i in invoices_],
                "created_at": [i.created_at for i in invoices_],
                "line_invoice_ids": [x[0] for x in lines],
                "line_positions": [x[1] for x in lines],
                "line_descriptions": [x[2].description for x in lines],
                "line_quantities": [x[2].quantity for x in lines],
                "line_unit_prices": [x[2].unit_price for x in lines],
                "line_amounts": [x[2].amount for x in lines],
                "dues_invoice_ids": [x.invoice.id for x in issues if x.claims_dues_key],
            },
        )
        versions = {UUID(str(r.invoice_id)): int(r.version) for r in result}
        return [Revision(i.id, versions[i.id]) for i in invoices_]

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
