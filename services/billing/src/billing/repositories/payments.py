"""Payments (F4) and their allocations to invoices.

A recorded payment never changes (a trigger refuses it); its ``payment_state`` row carries its
version, which each allocation advances, as it advances the invoice's.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from billing.domain.money import money
from billing.repositories import fetch_page
from billing.repositories.records import (
    AllocationRecord,
    Listing,
    NewAllocation,
    NewPayment,
    PaymentFilter,
    PaymentRecord,
    Revision,
)
from billing.tables import invoice_state, invoices, payment_allocations, payment_state, payments

_allocated = (
    sa.select(sa.func.coalesce(sa.func.sum(payment_allocations.c.amount), 0))
    .where(payment_allocations.c.payment_id == payments.c.id)
    .scalar_subquery()
)
_STATE = payments.join(payment_state, payment_state.c.payment_id == payments.c.id)


def _payment_select() -> sa.Select[Any]:
    return sa.select(payments, payment_state.c.version, _allocated.label("allocated")).select_from(
        _STATE
    )


def _payment(row: Any) -> PaymentRecord:
    m = row._mapping
    return PaymentRecord(
        id=m["id"],
        version=m["version"],
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


def _where(query: sa.Select[Any], where: PaymentFilter) -> sa.Select[Any]:
    if where.received_from is not None:
        query = query.where(payments.c.received_on >= where.received_from)
    if where.received_to is not None:
        query = query.where(payments.c.received_on <= where.received_to)
    if where.matched is True:
        query = query.where(_allocated >= payments.c.amount)
    elif where.matched is False:
        query = query.where(_allocated < payments.c.amount)
    return query


class PaymentRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def insert_payment(self, payment: NewPayment) -> Revision | None:
        """The payment at version 1; None when its bank reference was recorded before (F4: a
        bank operation pays once)."""
        inserted = (
            pg_insert(payments)
            .values(
                id=payment.id,
                method=payment.method,
                amount=payment.amount,
                received_on=payment.received_on,
                payer_reference=payment.payer_reference,
                bank_reference=payment.bank_reference,
                payer=payment.payer,
                source=payment.source,
                recorded_at=payment.recorded_at,
                recorded_by=payment.recorded_by,
            )
            .on_conflict_do_nothing(index_elements=[payments.c.bank_reference])
            .returning(payments.c.id)
            .cte("inserted")
        )
        result = await self.connection.execute(
            sa.insert(payment_state)
            .from_select(["payment_id"], sa.select(inserted.c.id))
            .returning(payment_state.c.payment_id, payment_state.c.version)
        )
        row = result.first()
        return Revision(*row) if row else None

    async def get_payment(self, payment_id: UUID, *, lock: bool = False) -> PaymentRecord | None:
        """``lock``: allocations of this payment wait for this transaction (F4: never more
        than the payment is allocated)."""
        query = _payment_select().where(payments.c.id == payment_id)
        if lock:
            query = query.with_for_update(of=payment_state)
        row = (await self.connection.execute(query)).first()
        return _payment(row) if row else None

    async def get_payment_by_bank_reference(self, reference: str) -> PaymentRecord | None:
        row = (
            await self.connection.execute(
                _payment_select().where(payments.c.bank_reference == reference)
            )
        ).first()
        return _payment(row) if row else None

    async def allocate(self, allocation: NewAllocation) -> int:
        """(Part of) a payment to an invoice: one row (its id returned), and both aggregates'
        versions advance (the caller holds the invoice's lock, and the payment's for an
        allocation by hand)."""
        inserted = await self.connection.execute(
            sa.insert(payment_allocations)
            .values(
                payment_id=allocation.payment_id,
                invoice_id=allocation.invoice_id,
                amount=allocation.amount,
                allocated_on=allocation.allocated_on,
                allocated_at=allocation.allocated_at,
                at_recording=allocation.at_recording,
                allocated_by=allocation.allocated_by,
            )
            .returning(payment_allocations.c.id)
        )
        await self.connection.execute(
            sa.update(payment_state)
            .where(payment_state.c.payment_id == allocation.payment_id)
            .values(version=payment_state.c.version + 1)
        )
        await self.connection.execute(
            sa.update(invoice_state)
            .where(invoice_state.c.invoice_id == allocation.invoice_id)
            .values(version=invoice_state.c.version + 1)
        )
        return int(inserted.scalar_one())

    async def list_payments(self, where: PaymentFilter) -> list[PaymentRecord]:
        query = _where(_payment_select(), where).order_by(
            payments.c.received_on, payments.c.bank_reference
        )
        return [_payment(r) for r in await self.connection.execute(query)]

    async def page_payments(
        self, where: PaymentFilter, *, limit: int, offset: int
    ) -> Listing[PaymentRecord]:
        query = _where(_payment_select(), where).order_by(
            payments.c.received_on, payments.c.bank_reference
        )
        count = _where(sa.select(sa.func.count()).select_from(payments), where)
        return await fetch_page(self.connection, query, count, _payment, limit=limit, offset=offset)

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
