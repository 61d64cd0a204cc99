"""Resources (B1), the opening calendar (B8) and the yearly terms."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from booking.domain.opening import Closure, OpeningHours
from booking.domain.policy import YearPolicy
from booking.domain.resources import Resource, ResourceKind
from booking.tables import booking_policies, closures, opening_hours, resources
from shared.errors import Conflict

UNIQUE_VIOLATION = "23505"


def _resource(row: sa.RowMapping) -> Resource:
    return Resource(
        id=row["id"],
        name=row["name"],
        kind=ResourceKind(row["kind"]),
        capacity=row["capacity"],
        equipment=tuple(row["equipment"]),
        requires_qualiopi=row["requires_qualiopi"],
        active=row["active"],
        description=row["description"],
        version=row["version"],
    )


_RESOURCE_COLUMNS = [c for c in resources.c if c.name != "created_at"]


class ResourceRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add(self, resource: Resource) -> Resource:
        values = {c.name: getattr(resource, c.name) for c in _RESOURCE_COLUMNS}
        values["equipment"] = list(resource.equipment)
        try:
            row = (
                (
                    await self._c.execute(
                        sa.insert(resources).values(values).returning(*_RESOURCE_COLUMNS)
                    )
                )
                .mappings()
                .one()
            )
        except IntegrityError as exc:
            if getattr(exc.orig, "sqlstate", None) == UNIQUE_VIOLATION:
                raise Conflict(f"A resource is already named {resource.name!r}.") from None
            raise
        return _resource(row)

    async def get(self, resource_id: UUID) -> Resource | None:
        query = sa.select(*_RESOURCE_COLUMNS).where(resources.c.id == resource_id)
        row = (await self._c.execute(query)).mappings().first()
        return _resource(row) if row else None

    async def update(self, resource_id: UUID, changes: Mapping[str, Any]) -> Resource | None:
        values = dict(changes)
        if "equipment" in values:
            values["equipment"] = list(values["equipment"])
        try:
            row = (
                (
                    await self._c.execute(
                        sa.update(resources)
                        .where(resources.c.id == resource_id)
                        .values(**values, version=resources.c.version + 1)
                        .returning(*_RESOURCE_COLUMNS)
                    )
                )
                .mappings()
                .first()
            )
        except IntegrityError as exc:
            if getattr(exc.orig, "sqlstate", None) == UNIQUE_VIOLATION:
                raise Conflict(f"A resource is already named {values.get('name')!r}.") from None
            raise
        return _resource(row) if row else None

    async def search(
        self, *, kind: ResourceKind | None, active: bool | None, limit: int, offset: int
    ) -> tuple[list[Resource], int]:
        conditions = []
        if kind is not None:
            conditions.append(resources.c.kind == kind.value)
        if active is not None:
            conditions.append(resources.c.active.is_(active))
        total = await self._c.scalar(
            sa.select(sa.func.count()).select_from(resources).where(*conditions)
        )
        rows = (
            await self._c.execute(
                sa.select(*_RESOURCE_COLUMNS)
                .where(*conditions)
                .order_by(resources.c.kind, resources.c.name)
                .limit(limit)
                .offset(offset)
            )
        ).mappings()
        return [_resource(r) for r in rows], int(total or 0)


def _closure(row: sa.RowMapping) -> Closure:
    return Closure(
        id=row["id"],
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        reason=row["reason"],
        resource_id=row["resource_id"],
    )


class CalendarRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def opening_hours(self) -> dict[int, OpeningHours]:
        rows = await self._c.execute(sa.select(opening_hours).order_by(opening_hours.c.weekday))
        return {r.weekday: OpeningHours(r.weekday, r.opens_at, r.closes_at) for r in rows}

    async def set_opening_hours(self, hours: OpeningHours) -> None:
        statement = insert(opening_hours).values(
            weekday=hours.weekday, opens_at=hours.opens_at, closes_at=hours.closes_at
        )
        await self._c.execute(
            statement.on_conflict_do_update(
                index_elements=[opening_hours.c.weekday],
                set_={"opens_at": hours.opens_at, "closes_at": hours.closes_at},
            )
        )

    async def close_weekday(self, weekday: int) -> bool:
        result = await self._c.execute(
            sa.delete(opening_hours).where(opening_hours.c.weekday == weekday)
        )
        return bool(result.rowcount)

    async def closures(
        self,
        *,
        starts_on: date,
        ends_on: date,
        resource_id: UUID | None = None,
        site_only: bool = False,
    ) -> list[Closure]:
        """The closures overlapping ``starts_on``..``ends_on``: the site's, and with
        ``resource_id`` that resource's too (else every resource's, unless ``site_only``)."""
        query = sa.select(closures).where(
            closures.c.starts_on <= ends_on, closures.c.ends_on >= starts_on
        )
        if resource_id is not None:
            query = query.where(
                sa.or_(closures.c.resource_id.is_(None), closures.c.resource_id == resource_id)
            )
        elif site_only:
            query = query.where(closures.c.resource_id.is_(None))
        rows = (
            await self._c.execute(query.order_by(closures.c.starts_on, closures.c.id))
        ).mappings()
        return [_closure(r) for r in rows]

    async def add_closure(self, closure: Closure, created_by: str) -> None:
        await self._c.execute(
            sa.insert(closures).values(
                id=closure.id,
                starts_on=closure.starts_on,
                ends_on=closure.ends_on,
                reason=closure.reason,
                resource_id=closure.resource_id,
                created_by=created_by,
            )
        )

    async def remove_closure(self, closure_id: UUID) -> bool:
        result = await self._c.execute(sa.delete(closures).where(closures.c.id == closure_id))
        return bool(result.rowcount)


def _policy(row: sa.RowMapping) -> YearPolicy:
    return YearPolicy(
        year=row["year"],
        room_credits=row["room_credits"],
        auditorium_price=row["auditorium_price"],
        studio_slots_per_participant=row["studio_slots_per_participant"],
        pattern_weeks=row["pattern_weeks"],
    )


class PolicyRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def get(self, year: int) -> YearPolicy | None:
        row = (
            (
                await self._c.execute(
                    sa.select(booking_policies).where(booking_policies.c.year == year)
                )
            )
            .mappings()
            .first()
        )
        return _policy(row) if row else None

    async def all(self) -> list[YearPolicy]:
        rows = await self._c.execute(sa.select(booking_policies).order_by(booking_policies.c.year))
        return [_policy(r) for r in rows.mappings()]

    async def put(self, policy: YearPolicy, updated_by: str) -> None:
        facts = {
            "room_credits": policy.room_credits,
            "auditorium_price": policy.auditorium_price,
            "studio_slots_per_participant": policy.studio_slots_per_participant,
            "pattern_weeks": policy.pattern_weeks,
            "updated_by": updated_by,
            "updated_at": sa.func.now(),
        }
        statement = insert(booking_policies).values(year=policy.year, **facts)
        await self._c.execute(
            statement.on_conflict_do_update(index_elements=[booking_policies.c.year], set_=facts)
        )
