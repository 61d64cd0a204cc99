"""Queries of applications and the board's renewal summary (M5, M6)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from membership.domain.applications import ApplicationStatus, Kind
from membership.records import ApplicationLine, ApplicationRecord, Listing, RenewalRecord
from membership.repository.rows import all_rows, count, one, reader, save, values_of
from membership.tables import applications, memberships, structures

_application = reader(ApplicationRecord)
_renewal = reader(RenewalRecord)


def _line(row: Any) -> ApplicationLine:
    return ApplicationLine(_application(row), row["legal_name"])


class ApplicationRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def add_application(self, record: ApplicationRecord) -> ApplicationRecord:
        row = await one(
            self.connection,
            sa.insert(applications).values(**values_of(record)).returning(*applications.c),
        )
        assert row is not None
        return _application(row)

    async def application(
        self, application_id: UUID, *, for_update: bool = False
    ) -> ApplicationRecord | None:
        query = sa.select(applications).where(applications.c.id == application_id)
        row = await one(self.connection, query.with_for_update() if for_update else query)
        return None if row is None else _application(row)

    async def save_application(self, record: ApplicationRecord) -> ApplicationRecord:
        """Store the changed application; returns it at its new version."""
        key = applications.c.id == record.id
        return _application(await save(self.connection, applications, key, record, "application"))

    async def statuses(self, siren: str, year: int) -> list[ApplicationStatus]:
        """The statuses of the structure's applications for ``year``."""
        rows = await all_rows(
            self.connection,
            sa.select(applications.c.status).where(
                applications.c.siren == siren, applications.c.year == year
            ),
        )
        return [ApplicationStatus(r["status"]) for r in rows]

    async def pending_review_years(self, siren: str) -> list[int]:
        rows = await all_rows(
            self.connection,
            sa.select(applications.c.year).where(
                applications.c.siren == siren,
                applications.c.status == ApplicationStatus.PENDING_REVIEW.value,
            ),
        )
        return [r["year"] for r in rows]

    def _lines(self) -> sa.Select[Any]:
        return (
            sa.select(applications, structures.c.legal_name)
            .join(structures, structures.c.siren == applications.c.siren)
            .order_by(applications.c.submitted_at, applications.c.id)
        )

    async def applications_of(self, siren: str) -> list[ApplicationLine]:
        """A structure's applications, oldest first."""
        rows = await all_rows(self.connection, self._lines().where(applications.c.siren == siren))
        return [_line(r) for r in rows]

    async def list_applications(
        self,
        *,
        status: ApplicationStatus | None = None,
        year: int | None = None,
        limit: int,
        offset: int,
    ) -> Listing[ApplicationLine]:
        """Applications, oldest first; every status when ``status`` is None."""
        query = self._lines()
        if status is not None:
            query = query.where(applications.c.status == status.value)
        if year is not None:
            query = query.where(applications.c.year == year)
        total = await count(self.connection, query)
        rows = await all_rows(self.connection, query.limit(limit).offset(offset))
        return Listing([_line(r) for r in rows], total)

    async def renewals(self, year: int) -> list[RenewalRecord]:
        """Renewals for ``year`` with the structure and the membership of the year before."""
        previous = memberships.alias("previous")
        current = memberships.alias("current")
        rows = await all_rows(
            self.connection,
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
            .where(applications.c.year == year, applications.c.kind == Kind.RENEWAL.value)
            .order_by(structures.c.legal_name, applications.c.siren),
        )
        return [_renewal(r) for r in rows]
