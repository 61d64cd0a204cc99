"""Reminders of overdue invoices (F3, F6): which invoices a level of the schedule is due for,
and the reminders sent (insert-only, one per invoice and level)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncConnection

from billing.domain.money import money
from billing.repositories.invoice_queries import credited_sum, paid_sum
from billing.repositories.records import ReminderRecord
from billing.tables import invoice_state, invoices, reminders

_last_level = (
    sa.select(sa.func.coalesce(sa.func.max(reminders.c.level), 0))
    .where(reminders.c.invoice_id == invoices.c.id)
    .scalar_subquery()
)


def _record(row: Any) -> ReminderRecord:
    return ReminderRecord(
        id=row.id,
        invoice_id=row.invoice_id,
        level=row.level,
        kind=row.kind,
        days_after_due=row.days_after_due,
        sent_on=row.sent_on,
        amount_due=money(row.amount_due),
    )


class ReminderRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def claim_due(self, as_of: date, days: Sequence[int], limit: int) -> list[UUID]:
        """Invoices left to pay for which a level of the schedule (``days`` after the due date,
        in order) has come that is above the last one sent, locked (others skip them)."""
        late = sa.literal(as_of, sa.Date) - invoices.c.due_on
        reached = sum((sa.case((late >= d, 1), else_=0) for d in days), sa.literal(0, sa.Integer))
        result = await self.connection.execute(
            sa.select(invoice_state.c.invoice_id)
            .join(invoices, invoices.c.id == invoice_state.c.invoice_id)
            .where(
                invoices.c.due_on + min(days) <= as_of,
                invoice_state.c.paid_at.is_(None),
                credited_sum < invoices.c.total,
                invoices.c.total - credited_sum - paid_sum > 0,
                reached > _last_level,
            )
            .order_by(invoices.c.due_on, invoices.c.number)
            .limit(limit)
            .with_for_update(of=invoice_state, skip_locked=True)
        )
        return list(result.scalars())

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
    ) -> None:
        await self.connection.execute(
            sa.insert(reminders).values(
                id=reminder_id,
                invoice_id=invoice_id,
                level=level,
                kind=kind,
                days_after_due=days_after_due,
                sent_on=sent_on,
                amount_due=amount_due,
                created_at=created_at,
            )
        )

    async def of_invoice(self, invoice_id: UUID) -> list[ReminderRecord]:
        rows = await self.connection.execute(
            sa.select(reminders)
            .where(reminders.c.invoice_id == invoice_id)
            .order_by(reminders.c.level)
        )
        return [_record(r) for r in rows]

    async def last_of(self, invoice_ids: Collection[UUID]) -> dict[UUID, ReminderRecord]:
        """The last reminder sent of each of these invoices (F6)."""
        if not invoice_ids:
            return {}
        rows = await self.connection.execute(
            sa.select(reminders)
            .ext(distinct_on(reminders.c.invoice_id))
            .where(reminders.c.invoice_id.in_(list(invoice_ids)))
            .order_by(reminders.c.invoice_id, reminders.c.level.desc())
        )
        return {r.invoice_id: _record(r) for r in rows}
