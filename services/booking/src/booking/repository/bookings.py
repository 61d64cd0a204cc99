"""Bookings: B5 is the database's exclusion constraint, read back here as a 409."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from booking.domain.bookings import Booking, BookingStatus, CancelReason, PurposeCategory
from booking.domain.resources import ResourceKind
from booking.tables import bookings
from shared.errors import Conflict

EXCLUSION_VIOLATION = "23P01"
_COLUMNS = [c for c in bookings.c if c.name != "during"]
_ACTIVE = bookings.c.status == BookingStatus.ACTIVE.value


@dataclass(frozen=True)
class NewBooking:
    id: UUID
    siren: str
    resource_id: UUID
    resource_kind: ResourceKind
    resource_name: str
    day: date
    starts_at: time
    ends_at: time
    purpose: str
    category: PurposeCategory
    attendance: int
    parking_passes: int
    participant_email: str | None
    amount: Decimal | None
    created_at: datetime
    created_by: str


def _booking(row: sa.RowMapping) -> Booking:
    reason = row["cancel_reason"]
    return Booking(
        id=row["id"],
        siren=row["siren"],
        resource_id=row["resource_id"],
        resource_name=row["resource_name"],
        resource_kind=ResourceKind(row["resource_kind"]),
        day=row["booked_on"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        purpose=row["purpose"],
        category=PurposeCategory(row["purpose_category"]),
        attendance=row["attendance"],
        parking_passes=row["parking_passes"],
        participant_email=row["participant_email"],
        amount=row["amount"],
        status=BookingStatus(row["status"]),
        created_at=row["created_at"],
        created_by=row["created_by"],
        cancelled_at=row["cancelled_at"],
        cancel_reason=CancelReason(reason) if reason else None,
        credit_returned=row["credit_returned"],
        version=row["version"],
    )


@dataclass(frozen=True)
class BookingFilter:
    siren: str | None = None
    resource_id: UUID | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    status: BookingStatus | None = None

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        found: list[sa.ColumnElement[bool]] = []
        if self.siren is not None:
            found.append(bookings.c.siren == self.siren)
        if self.resource_id is not None:
            found.append(bookings.c.resource_id == self.resource_id)
        if self.starts_on is not None:
            found.append(bookings.c.booked_on >= self.starts_on)
        if self.ends_on is not None:
            found.append(bookings.c.booked_on <= self.ends_on)
        if self.status is not None:
            found.append(bookings.c.status == self.status.value)
        return found


class BookingRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def lock_day(self, resource_id: UUID, day: date) -> None:
        """Take the resource's day until the transaction ends, just before inserting into it.

        Concurrent inserts into B5's exclusion constraint wait on each other's uncommitted
        rows and can end in a deadlock rather than a clean refusal; taken one at a time, the
        next insert meets the committed one and is refused with 23P01. The constraint still
        decides; the lock (an advisory one, per resource and day) only orders the inserts.
        """
        await self._c.execute(
            sa.select(
                sa.func.pg_advisory_xact_lock(sa.func.hashtextextended(f"{resource_id}/{day}", 0))
            )
        )

    async def add(self, new: NewBooking) -> Booking:
        """Insert an active booking; an overlap with another active booking of the resource,
        however concurrent, is refused by the exclusion constraint (B5)."""
        values = {
            "id": new.id,
            "siren": new.siren,
            "resource_id": new.resource_id,
            "resource_kind": new.resource_kind.value,
            "resource_name": new.resource_name,
            "booked_on": new.day,
            "starts_at": new.starts_at,
            "ends_at": new.ends_at,
            "purpose": new.purpose,
            "purpose_category": new.category.value,
            "attendance": new.attendance,
            "parking_passes": new.parking_passes,
            "participant_email": new.participant_email,
            "amount": new.amount,
            "created_at": new.created_at,
            "created_by": new.created_by,
        }
        try:
            row = (
                (await self._c.execute(sa.insert(bookings).values(values).returning(*_COLUMNS)))
                .mappings()
                .one()
            )
        except IntegrityError as exc:
            if getattr(exc.orig, "sqlstate", None) == EXCLUSION_VIOLATION:
                raise Conflict(
                    f"{new.resource_name} is already booked for part of "
                    f"{new.day.isoformat()} {new.starts_at:%H:%M}-{new.ends_at:%H:%M}: "
                    "see its availability and choose another time.",
                    rule="B5",
                ) from None
            raise
        return _booking(row)

    async def get(self, booking_id: UUID, *, for_update: bool = False) -> Booking | None:
        query = sa.select(*_COLUMNS).where(bookings.c.id == booking_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._c.execute(query)).mappings().first()
        return _booking(row) if row else None

    async def cancel(
        self, booking_id: UUID, *, at: datetime, reason: CancelReason, credit_returned: bool
    ) -> Booking:
        row = (
            (
                await self._c.execute(
                    sa.update(bookings)
                    .where(bookings.c.id == booking_id, _ACTIVE)
                    .values(
                        status=BookingStatus.CANCELLED.value,
                        cancelled_at=at,
                        cancel_reason=reason.value,
                        credit_returned=credit_returned,
                        version=bookings.c.version + 1,
                    )
                    .returning(*_COLUMNS)
                )
            )
            .mappings()
            .one()
        )
        return _booking(row)

    async def same_slot_days(
        self,
        *,
        siren: str,
        resource_id: UUID,
        starts_on: date,
        ends_on: date,
        weekday: int,
        starts_at: time,
        ends_at: time,
    ) -> list[date]:
        """Days the structure holds the resource on ``weekday`` (ISO) at overlapping times."""
        rows = await self._c.execute(
            sa.select(bookings.c.booked_on).where(
                bookings.c.siren == siren,
                bookings.c.resource_id == resource_id,
                _ACTIVE,
                bookings.c.booked_on.between(starts_on, ends_on),
                sa.extract("isodow", bookings.c.booked_on) == weekday,
                bookings.c.starts_at < ends_at,
                bookings.c.ends_at > starts_at,
            )
        )
        return [r.booked_on for r in rows]

    async def active_on(
        self, *, resource_id: UUID | None, starts_on: date, ends_on: date
    ) -> list[Booking]:
        """Active bookings between two days, of one resource or of all."""
        query = sa.select(*_COLUMNS).where(
            _ACTIVE, bookings.c.booked_on.between(starts_on, ends_on)
        )
        if resource_id is not None:
            query = query.where(bookings.c.resource_id == resource_id)
        rows = await self._c.execute(
            query.order_by(bookings.c.booked_on, bookings.c.starts_at, bookings.c.id)
        )
        return [_booking(r) for r in rows.mappings()]

    async def active_of(self, siren: str, *, from_day: date) -> list[Booking]:
        """The structure's active bookings from ``from_day`` on, rows locked (B9)."""
        rows = await self._c.execute(
            sa.select(*_COLUMNS)
            .where(bookings.c.siren == siren, _ACTIVE, bookings.c.booked_on >= from_day)
            .order_by(bookings.c.booked_on, bookings.c.starts_at, bookings.c.id)
            .with_for_update()
        )
        return [_booking(r) for r in rows.mappings()]

    async def search(
        self, where: BookingFilter, *, limit: int, offset: int
    ) -> tuple[list[Booking], int]:
        conditions = where.conditions()
        total = await self._c.scalar(
            sa.select(sa.func.count()).select_from(bookings).where(*conditions)
        )
        rows = await self._c.execute(
            sa.select(*_COLUMNS)
            .where(*conditions)
            .order_by(bookings.c.booked_on, bookings.c.starts_at, bookings.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [_booking(r) for r in rows.mappings()], int(total or 0)

    async def feed(self, where: BookingFilter, *, limit: int) -> list[Booking]:
        rows = await self._c.execute(
            sa.select(*_COLUMNS)
            .where(*where.conditions())
            .order_by(bookings.c.booked_on, bookings.c.starts_at, bookings.c.id)
            .limit(limit)
        )
        return [_booking(r) for r in rows.mappings()]
