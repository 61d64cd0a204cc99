"""Every query of the billing service, on the unit of work's connection."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from billing.domain.invoices import Balance, Line
from billing.domain.mentions import Customer
from billing.domain.money import money
from billing.domain.numbering import Series
from billing.tables import (
    credit_notes,
    customers,
    dues_keys,
    invoice_lines,
    invoice_state,
    invoices,
    memberships,
    number_sequences,
    payment_allocations,
    payments,
)
from shared.contracts.membership import CustomerDetails


@dataclass(frozen=True)
class InvoiceRecord:
    id: UUID
    number: str
    kind: str
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

    @property
    def balance(self) -> Balance:
        return Balance(self.total, self.credited, self.paid)


@dataclass(frozen=True)
class CreditNoteRecord:
    id: UUID
    number: str
    invoice_id: UUID
    invoice_number: str
    #: The cancelled invoice's kind and customer name, as printed on it.
    invoice_kind: str
    customer_name: str
    siren: str
    amount: Decimal
    reason: str
    cancels_invoice: bool
    issued_on: date


@dataclass(frozen=True)
class PaymentRecord:
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

    @property
    def unallocated(self) -> Decimal:
        return money(self.amount - self.allocated)


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


@dataclass(frozen=True)
class MembershipRecord:
    membership_id: UUID
    siren: str
    year: int
    plan: str
    activated_at: datetime | None
    lapsed_on: date | None


_credited = (
    sa.select(sa.func.coalesce(sa.func.sum(credit_notes.c.amount), 0))
    .where(credit_notes.c.invoice_id == invoices.c.id)
    .scalar_subquery()
)
_paid = (
    sa.select(sa.func.coalesce(sa.func.sum(payment_allocations.c.amount), 0))
    .where(payment_allocations.c.invoice_id == invoices.c.id)
    .scalar_subquery()
)
_INVOICE_COLUMNS = (
    invoices,
    _credited.label("credited"),
    _paid.label("paid"),
    invoice_state.c.paid_on,
    invoice_state.c.paid_at,
    invoice_state.c.overdue_on,
)


def _invoice_select() -> sa.Select[Any]:
    return sa.select(*_INVOICE_COLUMNS).select_from(
        invoices.outerjoin(invoice_state, invoice_state.c.invoice_id == invoices.c.id)
    )


def _invoice(row: Any) -> InvoiceRecord:
    m = row._mapping
    return InvoiceRecord(
        id=m["id"],
        number=m["number"],
        kind=m["kind"],
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
    )


_allocated = (
    sa.select(sa.func.coalesce(sa.func.sum(payment_allocations.c.amount), 0))
    .where(payment_allocations.c.payment_id == payments.c.id)
    .scalar_subquery()
)


def _payment(row: Any) -> PaymentRecord:
    m = row._mapping
    return PaymentRecord(
        id=m["id"],
        method=m["method"],
        amount=money(m["amount"]),
        received_on=m["received_on"],
        payer_reference=m["payer_reference"],
        bank_reference=m["bank_reference"],
        payer=m["payer"],
        source=m["source"],
        recorded_at=m["recorded_at"],
        allocated=money(m["allocated"]),
    )


class BillingRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    # -- customers ---------------------------------------------------------------------------

    async def upsert_customer(self, details: CustomerDetails, now: datetime) -> None:
        values = {
            "siren": details.siren,
            "siret": details.siret,
            "legal_name": details.legal_name,
            "address_line": details.address_line,
            "postal_code": details.postal_code,
            "city": details.city,
            "insee_code": details.insee_code,
            "public_body": details.public_body,
            "email": details.email,
            "updated_at": now,
        }
        statement = pg_insert(customers).values(values)
        statement = statement.on_conflict_do_update(
            index_elements=[customers.c.siren],
            set_={k: statement.excluded[k] for k in values if k != "siren"},
        )
        await self.connection.execute(statement)

    async def get_customer(self, siren: str) -> dict[str, Any] | None:
        row = (
            await self.connection.execute(sa.select(customers).where(customers.c.siren == siren))
        ).first()
        return dict(row._mapping) if row else None

    # -- F2 numbering ------------------------------------------------------------------------

    async def lock_sequence(self, series: Series, year: int) -> int:
        """Lock the (series, year) counter until commit: issuing is serialised per year."""
        await self.connection.execute(
            pg_insert(number_sequences)
            .values(series=series.value, year=year, last_value=0)
            .on_conflict_do_nothing()
        )
        result = await self.connection.execute(
            sa.select(number_sequences.c.last_value)
            .where(number_sequences.c.series == series.value, number_sequences.c.year == year)
            .with_for_update()
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

    # -- invoices ----------------------------------------------------------------------------

    async def find_invoice_for_subject(self, kind: str, subject_id: UUID) -> UUID | None:
        """The invoice already issued for this membership, upgrade or booking."""
        result = await self.connection.execute(
            sa.select(invoices.c.id).where(
                invoices.c.kind == kind, invoices.c.subject_id == subject_id
            )
        )
        return result.scalars().first()

    async def find_dues_key(self, siren: str, year: int, kind: str) -> UUID | None:
        """The live dues invoice of this business key (structure, year, kind), if any."""
        result = await self.connection.execute(
            sa.select(dues_keys.c.invoice_id).where(
                dues_keys.c.siren == siren, dues_keys.c.year == year, dues_keys.c.kind == kind
            )
        )
        return result.scalars().first()

    async def claim_dues_key(self, siren: str, year: int, kind: str, invoice_id: UUID) -> None:
        await self.connection.execute(
            sa.insert(dues_keys).values(siren=siren, year=year, kind=kind, invoice_id=invoice_id)
        )

    async def release_dues_key(self, invoice_id: UUID) -> None:
        await self.connection.execute(
            sa.delete(dues_keys).where(dues_keys.c.invoice_id == invoice_id)
        )

    async def insert_invoice(self, values: dict[str, Any], lines: list[Line]) -> None:
        await self.connection.execute(sa.insert(invoices).values(values))
        await self.connection.execute(
            sa.insert(invoice_lines),
            [
                {
                    "invoice_id": values["id"],
                    "position": position,
                    "description": line.description,
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                    "amount": line.amount,
                }
                for position, line in enumerate(lines, start=1)
            ],
        )
        await self.connection.execute(sa.insert(invoice_state).values(invoice_id=values["id"]))

    async def get_invoice(self, invoice_id: UUID) -> InvoiceRecord | None:
        row = (
            await self.connection.execute(_invoice_select().where(invoices.c.id == invoice_id))
        ).first()
        return _invoice(row) if row else None

    async def get_invoice_by_number(self, number: str) -> InvoiceRecord | None:
        row = (
            await self.connection.execute(_invoice_select().where(invoices.c.number == number))
        ).first()
        return _invoice(row) if row else None

    async def lock_invoice(self, invoice_id: UUID) -> InvoiceRecord | None:
        """The invoice with its state row locked: payments and credit notes on one invoice
        are serialised, so ``InvoicePaid`` is decided once."""
        # One statement: an inner join, since the nullable side of an outer join cannot be
        # locked; once the lock is granted PostgreSQL returns the state row's latest version.
        query = (
            sa.select(*_INVOICE_COLUMNS)
            .select_from(invoices.join(invoice_state, invoice_state.c.invoice_id == invoices.c.id))
            .where(invoices.c.id == invoice_id)
            .with_for_update(of=invoice_state)
        )
        row = (await self.connection.execute(query)).first()
        return _invoice(row) if row else None

    async def lines_of(self, invoice_id: UUID) -> list[Line]:
        rows = await self.connection.execute(
            sa.select(invoice_lines)
            .where(invoice_lines.c.invoice_id == invoice_id)
            .order_by(invoice_lines.c.position)
        )
        return [Line(r.description, r.quantity, money(r.unit_price)) for r in rows]

    async def list_invoices(
        self,
        *,
        siren: str | None = None,
        year: int | None = None,
        years: Sequence[int] | None = None,
        issued_from: date | None = None,
        issued_to: date | None = None,
        kinds: tuple[str, ...] | None = None,
        limit: int | None = None,
    ) -> list[InvoiceRecord]:
        query = _invoice_select().order_by(invoices.c.series_year, invoices.c.sequence)
        if siren is not None:
            query = query.where(invoices.c.siren == siren)
        if year is not None:
            query = query.where(invoices.c.year == year)
        if years is not None:
            query = query.where(invoices.c.year.in_(years))
        if issued_from is not None:
            query = query.where(invoices.c.issued_on >= issued_from)
        if issued_to is not None:
            query = query.where(invoices.c.issued_on <= issued_to)
        if kinds is not None:
            query = query.where(invoices.c.kind.in_(kinds))
        if limit is not None:
            query = query.limit(limit)
        return [_invoice(r) for r in await self.connection.execute(query)]

    async def mark_paid(self, invoice_id: UUID, paid_on: date, paid_at: datetime) -> None:
        await self.connection.execute(
            sa.update(invoice_state)
            .where(invoice_state.c.invoice_id == invoice_id, invoice_state.c.paid_at.is_(None))
            .values(paid_on=paid_on, paid_at=paid_at)
        )

    async def claim_overdue(self, as_of: date, limit: int) -> list[UUID]:
        """Invoices past due not yet marked overdue, locked (others skip them)."""
        result = await self.connection.execute(
            sa.select(invoice_state.c.invoice_id)
            .join(invoices, invoices.c.id == invoice_state.c.invoice_id)
            .where(
                invoices.c.due_on < as_of,
                invoice_state.c.overdue_on.is_(None),
                invoice_state.c.paid_at.is_(None),
                invoices.c.total - _credited - _paid > 0,
            )
            .order_by(invoices.c.due_on, invoices.c.number)
            .limit(limit)
            .with_for_update(of=invoice_state, skip_locked=True)
        )
        return list(result.scalars())

    async def mark_overdue(self, invoice_id: UUID, on: date) -> None:
        await self.connection.execute(
            sa.update(invoice_state)
            .where(invoice_state.c.invoice_id == invoice_id)
            .values(overdue_on=on)
        )

    # -- credit notes ------------------------------------------------------------------------

    async def insert_credit_note(self, values: dict[str, Any]) -> None:
        await self.connection.execute(sa.insert(credit_notes).values(values))

    async def list_credit_notes(
        self,
        *,
        invoice_id: UUID | None = None,
        siren: str | None = None,
        issued_from: date | None = None,
        issued_to: date | None = None,
    ) -> list[CreditNoteRecord]:
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
        if invoice_id is not None:
            query = query.where(credit_notes.c.invoice_id == invoice_id)
        if siren is not None:
            query = query.where(credit_notes.c.siren == siren)
        if issued_from is not None:
            query = query.where(credit_notes.c.issued_on >= issued_from)
        if issued_to is not None:
            query = query.where(credit_notes.c.issued_on <= issued_to)
        return [
            CreditNoteRecord(
                id=r.id,
                number=r.number,
                invoice_id=r.invoice_id,
                invoice_number=r.invoice_number,
                invoice_kind=r.invoice_kind,
                customer_name=r.customer_name,
                siren=r.siren,
                amount=money(r.amount),
                reason=r.reason,
                cancels_invoice=r.cancels_invoice,
                issued_on=r.issued_on,
            )
            for r in await self.connection.execute(query)
        ]

    # -- payments ----------------------------------------------------------------------------

    async def insert_payment(self, values: dict[str, Any]) -> bool:
        """False when the bank reference was recorded before (F4: it pays once)."""
        result = await self.connection.execute(
            pg_insert(payments)
            .values(values)
            .on_conflict_do_nothing(index_elements=[payments.c.bank_reference])
            .returning(payments.c.id)
        )
        return result.first() is not None

    def _payment_select(self) -> sa.Select[Any]:
        return sa.select(payments, _allocated.label("allocated"))

    async def get_payment(self, payment_id: UUID, *, lock: bool = False) -> PaymentRecord | None:
        if lock:
            await self.connection.execute(
                sa.select(payments.c.id).where(payments.c.id == payment_id).with_for_update()
            )
        row = (
            await self.connection.execute(self._payment_select().where(payments.c.id == payment_id))
        ).first()
        return _payment(row) if row else None

    async def get_payment_by_bank_reference(self, reference: str) -> PaymentRecord | None:
        row = (
            await self.connection.execute(
                self._payment_select().where(payments.c.bank_reference == reference)
            )
        ).first()
        return _payment(row) if row else None

    async def list_payments(
        self,
        *,
        received_from: date | None = None,
        received_to: date | None = None,
        unmatched_only: bool = False,
    ) -> list[PaymentRecord]:
        query = self._payment_select().order_by(payments.c.received_on, payments.c.bank_reference)
        if received_from is not None:
            query = query.where(payments.c.received_on >= received_from)
        if received_to is not None:
            query = query.where(payments.c.received_on <= received_to)
        if unmatched_only:
            query = query.where(_allocated < payments.c.amount)
        return [_payment(r) for r in await self.connection.execute(query)]

    async def insert_allocation(self, values: dict[str, Any]) -> None:
        await self.connection.execute(sa.insert(payment_allocations).values(values))

    async def list_allocations(
        self,
        *,
        payment_ids: list[UUID] | None = None,
        allocated_from: date | None = None,
        allocated_to: date | None = None,
        at_recording: bool | None = None,
    ) -> list[AllocationRecord]:
        query = (
            sa.select(
                payment_allocations,
                invoices.c.number.label("invoice_number"),
                invoices.c.siren,
                invoices.c.customer_name,
                payments.c.bank_reference,
            )
            .join(invoices, invoices.c.id == payment_allocations.c.invoice_id)
            .join(payments, payments.c.id == payment_allocations.c.payment_id)
            .order_by(payment_allocations.c.id)
        )
        if payment_ids is not None:
            query = query.where(payment_allocations.c.payment_id.in_(payment_ids))
        if allocated_from is not None:
            query = query.where(payment_allocations.c.allocated_on >= allocated_from)
        if allocated_to is not None:
            query = query.where(payment_allocations.c.allocated_on <= allocated_to)
        if at_recording is not None:
            query = query.where(payment_allocations.c.at_recording.is_(at_recording))
        return [
            AllocationRecord(
                payment_id=r.payment_id,
                invoice_id=r.invoice_id,
                invoice_number=r.invoice_number,
                siren=r.siren,
                customer_name=r.customer_name,
                amount=money(r.amount),
                allocated_on=r.allocated_on,
                at_recording=r.at_recording,
                bank_reference=r.bank_reference,
            )
            for r in await self.connection.execute(query)
        ]

    # -- memberships projection (F6) ---------------------------------------------------------

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
    ) -> None:
        statement = pg_insert(memberships).values(
            membership_id=membership_id,
            siren=siren,
            year=year,
            plan=plan,
            activated_at=activated_at,
            invoice_id=invoice_id,
            updated_at=now,
        )
        statement = statement.on_conflict_do_update(
            index_elements=[memberships.c.membership_id],
            set_={
                # a later activation (an upgrade) wins; an older, re-delivered one does not
                "plan": sa.case(
                    (
                        sa.or_(
                            memberships.c.activated_at.is_(None),
                            memberships.c.activated_at <= statement.excluded.activated_at,
                        ),
                        statement.excluded.plan,
                    ),
                    else_=memberships.c.plan,
                ),
                "activated_at": sa.func.greatest(
                    memberships.c.activated_at, statement.excluded.activated_at
                ),
                "invoice_id": sa.func.coalesce(
                    statement.excluded.invoice_id, memberships.c.invoice_id
                ),
                "updated_at": now,
            },
        )
        await self.connection.execute(statement)

    async def record_lapse(
        self,
        *,
        membership_id: UUID,
        siren: str,
        year: int,
        lapsed_on: date,
        reason: str,
        now: datetime,
    ) -> None:
        statement = pg_insert(memberships).values(
            membership_id=membership_id,
            siren=siren,
            year=year,
            plan="simple",
            lapsed_on=lapsed_on,
            lapse_reason=reason,
            updated_at=now,
        )
        statement = statement.on_conflict_do_update(
            index_elements=[memberships.c.membership_id],
            set_={
                "lapsed_on": sa.func.coalesce(
                    memberships.c.lapsed_on, statement.excluded.lapsed_on
                ),
                "lapse_reason": sa.func.coalesce(
                    memberships.c.lapse_reason, statement.excluded.lapse_reason
                ),
                "updated_at": now,
            },
        )
        await self.connection.execute(statement)

    async def list_memberships(self, years: list[int]) -> list[MembershipRecord]:
        rows = await self.connection.execute(
            sa.select(memberships).where(memberships.c.year.in_(years))
        )
        return [
            MembershipRecord(
                membership_id=r.membership_id,
                siren=r.siren,
                year=r.year,
                plan=r.plan,
                activated_at=r.activated_at,
                lapsed_on=r.lapsed_on,
            )
            for r in rows
        ]
