"""Queries of memberships and their plan upgrades (M3, M4, M8, M10)."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from membership.domain.plans import Plan
from membership.domain.validity import MembershipState
from membership.records import (
    LapseCandidate,
    Listing,
    MembershipRecord,
    PaidMember,
    UpgradeRecord,
)
from membership.repository.rows import all_rows, count, one, reader, save, values_of
from membership.tables import memberships, structures, upgrades

_membership = reader(MembershipRecord)
_successor = reader(MembershipRecord, prefix="successor_")
_upgrade = reader(UpgradeRecord)
_paid_member = reader(PaidMember)


class MembershipRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    # -- memberships -------------------------------------------------------------------------

    async def add_membership(self, record: MembershipRecord) -> MembershipRecord:
        row = await one(
            self.connection,
            sa.insert(memberships).values(**values_of(record)).returning(*memberships.c),
        )
        assert row is not None
        return _membership(row)

    async def membership(
        self, membership_id: UUID, *, for_update: bool = False
    ) -> MembershipRecord | None:
        query = sa.select(memberships).where(memberships.c.id == membership_id)
        row = await one(self.connection, query.with_for_update() if for_update else query)
        return None if row is None else _membership(row)

    async def membership_of(
        self, siren: str, year: int, *, for_update: bool = False
    ) -> MembershipRecord | None:
        query = sa.select(memberships).where(
            memberships.c.siren == siren, memberships.c.year == year
        )
        row = await one(self.connection, query.with_for_update() if for_update else query)
        return None if row is None else _membership(row)

    async def memberships_of(self, siren: str) -> list[MembershipRecord]:
        rows = await all_rows(
            self.connection,
            sa.select(memberships).where(memberships.c.siren == siren).order_by(memberships.c.year),
        )
        return [_membership(r) for r in rows]

    async def memberships_in(
        self, years: Collection[int], sirens: Collection[str] | None = None
    ) -> list[MembershipRecord]:
        """The memberships of ``years``, of every structure or of ``sirens``, by SIREN and year."""
        query = sa.select(memberships).where(memberships.c.year.in_(list(years)))
        if sirens is not None:
            query = query.where(memberships.c.siren.in_(list(sirens)))
        rows = await all_rows(
            self.connection, query.order_by(memberships.c.siren, memberships.c.year)
        )
        return [_membership(r) for r in rows]

    async def paid_years(self, siren: str) -> list[int]:
        rows = await all_rows(
            self.connection,
            sa.select(memberships.c.year).where(
                memberships.c.siren == siren, memberships.c.valid_from.is_not(None)
            ),
        )
        return [r["year"] for r in rows]

    async def save_membership(self, record: MembershipRecord) -> MembershipRecord:
        """Store the changed membership; returns it at its new version."""
        key = memberships.c.id == record.id
        return _membership(await save(self.connection, memberships, key, record, "membership"))

    async def list_memberships(
        self,
        *,
        year: int | None = None,
        state: MembershipState | None = None,
        plan: Plan | None = None,
        limit: int,
        offset: int,
    ) -> Listing[MembershipRecord]:
        """Memberships, by year (latest first) then SIREN."""
        query = sa.select(memberships)
        if year is not None:
            query = query.where(memberships.c.year == year)
        if state is not None:
            query = query.where(memberships.c.state == state.value)
        if plan is not None:
            query = query.where(memberships.c.plan == plan.value)
        total = await count(self.connection, query)
        rows = await all_rows(
            self.connection,
            query.order_by(memberships.c.year.desc(), memberships.c.siren)
            .limit(limit)
            .offset(offset),
        )
        return Listing([_membership(r) for r in rows], total)

    async def lapse_candidates(self, before_year: int) -> list[LapseCandidate]:
        """Paid memberships of earlier years still marked active and not succeeded by a paid
        one, locked (SKIP LOCKED: two schedulers never lapse the same one twice), each with its
        unpaid successor (the next year's membership), if any."""
        successor = memberships.alias("successor")
        rows = await all_rows(
            self.connection,
            sa.select(
                memberships,
                *(column.label(f"successor_{column.name}") for column in successor.c),
            )
            .select_from(
                memberships.outerjoin(
                    successor,
                    sa.and_(
                        successor.c.siren == memberships.c.siren,
                        successor.c.year == memberships.c.year + 1,
                    ),
                )
            )
            .where(
                memberships.c.state == MembershipState.ACTIVE.value,
                memberships.c.year < before_year,
                successor.c.valid_from.is_(None),
            )
            .order_by(memberships.c.year, memberships.c.siren)
            .with_for_update(of=memberships, skip_locked=True),
        )
        return [
            LapseCandidate(_membership(r), _successor(r) if r["successor_id"] is not None else None)
            for r in rows
        ]

    async def paid_members_of(self, year: int) -> list[PaidMember]:
        """Main structures holding a paid membership of ``year``, with their details."""
        rows = await all_rows(
            self.connection,
            sa.select(
                memberships.c.siren,
                memberships.c.plan,
                structures.c.head_office_siret,
                structures.c.legal_name,
                structures.c.email,
            )
            .join(structures, structures.c.siren == memberships.c.siren)
            .where(memberships.c.year == year, memberships.c.valid_from.is_not(None))
            .order_by(memberships.c.siren),
        )
        return [_paid_member(r) for r in rows]

    # -- plan upgrades -----------------------------------------------------------------------

    async def add_upgrade(self, record: UpgradeRecord) -> UpgradeRecord:
        row = await one(
            self.connection,
            sa.insert(upgrades).values(**values_of(record)).returning(*upgrades.c),
        )
        assert row is not None
        return _upgrade(row)

    async def upgrade(self, upgrade_id: UUID, *, for_update: bool = False) -> UpgradeRecord | None:
        query = sa.select(upgrades).where(upgrades.c.id == upgrade_id)
        row = await one(self.connection, query.with_for_update() if for_update else query)
        return None if row is None else _upgrade(row)

    async def upgrades_of(self, membership_id: UUID) -> list[UpgradeRecord]:
        rows = await all_rows(
            self.connection,
            sa.select(upgrades)
            .where(upgrades.c.membership_id == membership_id)
            .order_by(upgrades.c.requested_at),
        )
        return [_upgrade(r) for r in rows]

    async def save_upgrade(self, record: UpgradeRecord) -> UpgradeRecord:
        row = await one(
            self.connection,
            sa.update(upgrades)
            .where(upgrades.c.id == record.id)
            .values(**values_of(record))
            .returning(*upgrades.c),
        )
        assert row is not None
        return _upgrade(row)
