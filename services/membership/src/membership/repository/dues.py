"""Queries of the yearly tariffs (M2, M10) and the renewal campaigns with their calls (M8)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from membership.records import CampaignRecord, DuesCallRecord, TariffRecord
from membership.repository.rows import all_rows, one, reader, values_of
from membership.tables import campaigns, dues_calls, tariffs

_tariff = reader(TariffRecord)
_campaign = reader(CampaignRecord)
_call = reader(DuesCallRecord)


class DuesRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    # -- tariffs -----------------------------------------------------------------------------

    async def tariff(self, year: int) -> TariffRecord | None:
        row = await one(self.connection, sa.select(tariffs).where(tariffs.c.year == year))
        return None if row is None else _tariff(row)

    async def tariffs(self) -> list[TariffRecord]:
        rows = await all_rows(self.connection, sa.select(tariffs).order_by(tariffs.c.year))
        return [_tariff(r) for r in rows]

    async def put_tariff(self, record: TariffRecord) -> TariffRecord:
        values = values_of(record)
        statement = pg_insert(tariffs).values(**values)
        row = await one(
            self.connection,
            statement.on_conflict_do_update(
                index_elements=["year"],
                set_={k: statement.excluded[k] for k in values if k != "year"},
            ).returning(*tariffs.c),
        )
        assert row is not None
        return _tariff(row)

    # -- renewal campaigns -------------------------------------------------------------------

    async def campaign(self, year: int) -> CampaignRecord | None:
        row = await one(self.connection, sa.select(campaigns).where(campaigns.c.year == year))
        return None if row is None else _campaign(row)

    async def campaign_years(self) -> list[int]:
        return [r["year"] for r in await all_rows(self.connection, sa.select(campaigns.c.year))]

    async def start_campaign(self, record: CampaignRecord) -> None:
        """Record the campaign of its year, unless one is recorded already."""
        await self.connection.execute(
            pg_insert(campaigns)
            .values(**values_of(record))
            .on_conflict_do_nothing(index_elements=["year"])
        )

    async def lock_campaign(self, year: int) -> None:
        """Serialise the runs of one year's campaign until the transaction ends."""
        await self.connection.execute(
            sa.select(campaigns.c.year).where(campaigns.c.year == year).with_for_update()
        )

    async def called_sirens(self, year: int) -> set[str]:
        rows = await all_rows(
            self.connection, sa.select(dues_calls.c.siren).where(dues_calls.c.year == year)
        )
        return {r["siren"] for r in rows}

    async def add_calls(self, calls: list[DuesCallRecord]) -> None:
        if calls:
            await self.connection.execute(
                pg_insert(dues_calls).values([values_of(c) for c in calls]).on_conflict_do_nothing()
            )

    async def calls(self, year: int) -> list[DuesCallRecord]:
        rows = await all_rows(
            self.connection,
            sa.select(dues_calls).where(dues_calls.c.year == year).order_by(dues_calls.c.siren),
        )
        return [_call(r) for r in rows]
