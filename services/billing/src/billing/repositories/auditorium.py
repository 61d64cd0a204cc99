"""Auditorium dates (B3, F6): billing's projection of booking's events, and what it issued.

The writes are merges that leave the row the same whichever event comes first: the booking's
facts from ``AuditoriumBooked``, the cancellation's from ``BookingCancelled``; each write
returns the row, locked until commit (two events of one booking apply one after the other).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from billing.domain.money import money
from billing.repositories.issuing_sql import WAITING_DATES
from billing.repositories.records import AuditoriumDate, AuditoriumRecord
from billing.tables import auditorium_bookings as t


def _record(row: Any) -> AuditoriumRecord:
    return AuditoriumRecord(
        booking_id=row.booking_id,
        siren=row.siren,
        resource_id=row.resource_id,
        resource_name=row.resource_name,
        booked_on=row.booked_on,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        amount=money(row.amount) if row.amount is not None else None,
        booked_at=row.booked_at,
        cancelled_at=row.cancelled_at,
        cancel_reason=row.cancel_reason,
        invoice_id=row.invoice_id,
        credit_note_id=row.credit_note_id,
    )


def _date_values(booking: AuditoriumDate) -> dict[str, Any]:
    return {
        "booking_id": booking.booking_id,
        "siren": booking.siren,
        "resource_id": booking.resource_id,
        "resource_name": booking.resource_name,
        "booked_on": booking.booked_on,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
    }


class AuditoriumRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def record_booked(
        self, booking: AuditoriumDate, *, amount: Decimal, booked_at: datetime, now: datetime
    ) -> AuditoriumRecord:
        statement = pg_insert(t).values(
            **_date_values(booking), amount=amount, booked_at=booked_at, updated_at=now
        )
        statement = statement.on_conflict_do_update(
            index_elements=[t.c.booking_id],
            set_={
                **{k: statement.excluded[k] for k in _date_values(booking) if k != "booking_id"},
                "amount": statement.excluded.amount,
                "booked_at": statement.excluded.booked_at,
                "updated_at": now,
            },
        )
        row = (await self.connection.execute(statement.returning(*t.c))).one()
        return _record(row)

    async def record_cancelled(
        self, booking: AuditoriumDate, *, cancelled_at: datetime, reason: str, now: datetime
    ) -> AuditoriumRecord:
        statement = pg_insert(t).values(
            **_date_values(booking), cancelled_at=cancelled_at, cancel_reason=reason, updated_at=now
        )
        # the first cancellation known stands (a re-delivery, or a second event, changes nothing)
        statement = statement.on_conflict_do_update(
            index_elements=[t.c.booking_id],
            set_={
                "cancelled_at": sa.func.coalesce(t.c.cancelled_at, statement.excluded.cancelled_at),
                "cancel_reason": sa.func.coalesce(
                    t.c.cancel_reason, statement.excluded.cancel_reason
                ),
                "updated_at": now,
            },
        )
        row = (await self.connection.execute(statement.returning(*t.c))).one()
        return _record(row)

    async def set_invoice(self, booking_id: UUID, invoice_id: UUID) -> None:
        await self.connection.execute(
            sa.update(t).where(t.c.booking_id == booking_id).values(invoice_id=invoice_id)
        )

    async def set_credit_note(self, booking_id: UUID, credit_note_id: UUID) -> None:
        await self.connection.execute(
            sa.update(t).where(t.c.booking_id == booking_id).values(credit_note_id=credit_note_id)
        )

    async def waiting_of(self, sirens: Collection[str]) -> list[AuditoriumRecord]:
        """The structures' dates not invoiced yet (their customer was unknown), locked."""
        rows = await self.connection.execute(WAITING_DATES, {"sirens": list(sirens)})
        return [_record(r) for r in rows]

    async def list_dates(self, start: date, end: date) -> list[AuditoriumRecord]:
        rows = await self.connection.execute(
            sa.select(t).where(t.c.booked_on >= start, t.c.booked_on <= end)
        )
        return [_record(r) for r in rows]
