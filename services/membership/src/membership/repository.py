"""Every query of the membership service (SQLAlchemy Core on the unit of work's connection)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from membership.tables import (
    applications,
    campaigns,
    dues_calls,
    establishments,
    memberships,
    structures,
    tariffs,
    upgrades,
)

Row = sa.RowMapping


class MembershipRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def _one(self, query: sa.Select[Any]) -> Row | None:
        row: Row | None = (await self.connection.execute(query)).mappings().first()
        return row

    async def _all(self, query: sa.Select[Any]) -> Sequence[Row]:
        rows: Sequence[Row] = (await self.connection.execute(query)).mappings().all()
        return rows

    # -- structures --------------------------------------------------------------------------

    async def structure(self, siren: str, *, for_update: bool = False) -> Row | None:
        query = sa.select(structures).where(structures.c.siren == siren)
        return await self._one(query.with_for_update() if for_update else query)

    async def add_structure(self, values: dict[str, Any]) -> bool:
        """False when the SIREN is already registered."""
        result = await self.connection.execute(
            pg_insert(structures)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["siren"])
            .returning(structures.c.siren)
        )
        return result.scalar_one_or_none() is not None

    async def update_structure(self, siren: str, values: dict[str, Any]) -> int:
        """Apply ``values`` and bump the version; returns the new version."""
        result = await self.connection.execute(
            sa.update(structures)
            .where(structures.c.siren == siren)
            .values(**values, version=structures.c.version + 1)
            .returning(structures.c.version)
        )
        return int(result.scalar_one())

    # -- establishments ----------------------------------------------------------------------

    async def establishment(self, siret: str) -> Row | None:
        return await self._one(sa.select(establishments).where(establishments.c.siret == siret))

    async def establishments_of(self, siren: str) -> Sequence[Row]:
        return await self._all(
            sa.select(establishments)
            .where(establishments.c.siren == siren, establishments.c.removed_at.is_(None))
            .order_by(establishments.c.siret)
        )

    async def beneficiary_sirets(self, siren: str) -> list[str]:
        rows = await self._all(
            sa.select(establishments.c.siret).where(
                establishments.c.siren == siren,
                establishments.c.role == "beneficiary",
                establishments.c.removed_at.is_(None),
            )
        )
        return sorted(r["siret"] for r in rows)

    async def add_establishment(self, values: dict[str, Any]) -> None:
        await self.connection.execute(sa.insert(establishments).values(**values))

    async def update_establishment(self, siret: str, values: dict[str, Any]) -> None:
        await self.connection.execute(
            sa.update(establishments).where(establishments.c.siret == siret).values(**values)
        )

    # -- applications ------------------------------------------------------------------------

    async def add_application(self, values: dict[str, Any]) -> None:
        await self.connection.execute(sa.insert(applications).values(**values))

    async def application(self, application_id: UUID, *, for_update: bool = False) -> Row | None:
        query = sa.select(applications).where(applications.c.id == application_id)
        return await self._one(query.with_for_update() if for_update else query)

    async def application_statuses(self, siren: str, year: int) -> list[str]:
        rows = await self._all(
            sa.select(applications.c.status).where(
                applications.c.siren == siren, applications.c.year == year
            )
        )
        return [r["status"] for r in rows]

    async def pending_review_years(self, siren: str) -> list[int]:
        rows = await self._all(
            sa.select(applications.c.year).where(
                applications.c.siren == siren, applications.c.status == "pending_review"
            )
        )
        return [r["year"] for r in rows]

    async def applications(
        self, *, status: str | None = None, year: int | None = None, siren: str | None = None
    ) -> Sequence[Row]:
        query = (
            sa.select(applications, structures.c.legal_name)
            .join(structures, structures.c.siren == applications.c.siren)
            .order_by(applications.c.submitted_at, applications.c.id)
        )
        if status is not None:
            query = query.where(applications.c.status == status)
        if year is not None:
            query = query.where(applications.c.year == year)
        if siren is not None:
            query = query.where(applications.c.siren == siren)
        return await self._all(query)

    async def update_application(self, application_id: UUID, values: dict[str, Any]) -> None:
        await self.connection.execute(
            sa.update(applications).where(applications.c.id == application_id).values(**values)
        )

    # -- memberships -------------------------------------------------------------------------

    async def add_membership(self, values: dict[str, Any]) -> None:
        await self.connection.execute(sa.insert(memberships).values(**values))

    async def membership(self, membership_id: UUID, *, for_update: bool = False) -> Row | None:
        query = sa.select(memberships).where(memberships.c.id == membership_id)
        return await self._one(query.with_for_update() if for_update else query)

    async def membership_of(self, siren: str, year: int, *, for_update: bool = False) -> Row | None:
        query = sa.select(memberships).where(
            memberships.c.siren == siren, memberships.c.year == year
        )
        return await self._one(query.with_for_update() if for_update else query)

    async def memberships_of(self, siren: str) -> Sequence[Row]:
        return await self._all(
            sa.select(memberships).where(memberships.c.siren == siren).order_by(memberships.c.year)
        )

    async def paid_years(self, siren: str) -> list[int]:
        rows = await self._all(
            sa.select(memberships.c.year).where(
                memberships.c.siren == siren, memberships.c.valid_from.is_not(None)
            )
        )
        return [r["year"] for r in rows]

    async def update_membership(self, membership_id: UUID, values: dict[str, Any]) -> int:
        """Apply ``values`` and bump the aggregate version; returns the new version."""
        result = await self.connection.execute(
            sa.update(memberships)
            .where(memberships.c.id == membership_id)
            .values(**values, version=memberships.c.version + 1)
            .returning(memberships.c.version)
        )
        return int(result.scalar_one())

    async def lapse_candidates(self, before_year: int) -> Sequence[Row]:
        """Paid memberships of earlier years still marked active and not succeeded by a paid
        one, locked (SKIP LOCKED: two schedulers never lapse the same one twice).

        Each row carries its unpaid successor (the next year's membership), if any, in the
        ``successor_*`` columns (all null without one).
        """
        successor = memberships.alias("successor")
        return await self._all(
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
                memberships.c.state == "active",
                memberships.c.year < before_year,
                successor.c.valid_from.is_(None),
            )
            .order_by(memberships.c.year, memberships.c.siren)
            .with_for_update(of=memberships, skip_locked=True)
        )

    async def paid_members_of(self, year: int) -> Sequence[Row]:
        """Main structures holding a paid membership of ``year``, with their details."""
        return await self._all(
            sa.select(
                memberships.c.siren,
                memberships.c.plan,
                structures.c.head_office_siret,
                structures.c.legal_name,
                structures.c.email,
            )
            .join(structures, structures.c.siren == memberships.c.siren)
            .where(memberships.c.year == year, memberships.c.valid_from.is_not(None))
            .order_by(memberships.c.siren)
        )

    async def renewals(self, year: int) -> Sequence[Row]:
        """Renewals for ``year`` with the structure and the membership of the year before."""
        previous = memberships.alias("previous")
        current = memberships.alias("current")
        return await self._all(
            sa.select(
                applications.c.id.label("application_id"),
                applications.c.siren,
                applications.c.plan,
                applications.c.status,
                applications.c.submitted_at,
                structures.c.legal_name,
                current.c.state.label("membership_state"),
                current.c.amount,
                previous.c.plan.label("previous_plan"),
                previous.c.premium_from.label("previous_premium_from"),
            )
            .join(structures, structures.c.siren == applications.c.siren)
            .outerjoin(current, current.c.id == applications.c.membership_id)
            .outerjoin(
                previous,
                sa.and_(
                    previous.c.siren == applications.c.siren,
                    previous.c.year == applications.c.year - 1,
                ),
            )
            .where(applications.c.year == year, applications.c.kind == "renewal")
            .order_by(structures.c.legal_name, applications.c.siren)
        )

    # -- plan upgrades -----------------------------------------------------------------------

    async def add_upgrade(self, values: dict[str, Any]) -> None:
        await self.connection.execute(sa.insert(upgrades).values(**values))

    async def upgrade(self, upgrade_id: UUID, *, for_update: bool = False) -> Row | None:
        query = sa.select(upgrades).where(upgrades.c.id == upgrade_id)
        return await self._one(query.with_for_update() if for_update else query)

    async def upgrades_of(self, membership_id: UUID) -> Sequence[Row]:
        return await self._all(
            sa.select(upgrades)
            .where(upgrades.c.membership_id == membership_id)
            .order_by(upgrades.c.requested_at)
        )

    async def update_upgrade(self, upgrade_id: UUID, values: dict[str, Any]) -> None:
        await self.connection.execute(
            sa.update(upgrades).where(upgrades.c.id == upgrade_id).values(**values)
        )

    # -- tariffs -----------------------------------------------------------------------------

    async def tariff(self, year: int) -> Row | None:
        return await self._one(sa.select(tariffs).where(tariffs.c.year == year))

    async def tariffs(self) -> Sequence[Row]:
        return await self._all(sa.select(tariffs).order_by(tariffs.c.year))

    async def put_tariff(self, values: dict[str, Any]) -> None:
        statement = pg_insert(tariffs).values(**values)
        await self.connection.execute(
            statement.on_conflict_do_update(
                index_elements=["year"],
                set_={k: statement.excluded[k] for k in values if k != "year"},
            )
        )

    # -- renewal campaigns -------------------------------------------------------------------

    async def campaign(self, year: int) -> Row | None:
        return await self._one(sa.select(campaigns).where(campaigns.c.year == year))

    async def campaign_years(self) -> list[int]:
        return [r["year"] for r in await self._all(sa.select(campaigns.c.year))]

    async def start_campaign(self, values: dict[str, Any]) -> None:
        await self.connection.execute(
            pg_insert(campaigns).values(**values).on_conflict_do_nothing(index_elements=["year"])
        )

    async def lock_campaign(self, year: int) -> None:
        await self.connection.execute(
            sa.select(campaigns.c.year).where(campaigns.c.year == year).with_for_update()
        )

    async def called_sirens(self, year: int) -> set[str]:
        rows = await self._all(sa.select(dues_calls.c.siren).where(dues_calls.c.year == year))
        return {r["siren"] for r in rows}

    async def add_calls(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self.connection.execute(
                pg_insert(dues_calls).values(rows).on_conflict_do_nothing()
            )

    async def calls(self, year: int) -> Sequence[Row]:
        return await self._all(
            sa.select(dues_calls).where(dues_calls.c.year == year).order_by(dues_calls.c.siren)
        )
