"""The yearly quotas (B2 room credits, B6 studio slots), locked in a fixed order.

Every booking and cancellation of a structure locks its ``room_credits`` rows, by year
ascending, then the ``studio_slots`` rows it touches, by e-mail then year, then the booking
rows it changes or the resource's day it inserts into: two transactions never
wait on each other in opposite orders, and concurrent requests of one structure are decided
one after the other, each seeing what the one before committed.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from booking.tables import room_credits, studio_slots


class QuotaRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def lock_room_credits(self, siren: str, years: Iterable[int]) -> dict[int, int]:
        """Credits used per year, the rows locked until the transaction ends."""
        wanted = sorted(set(years))
        if not wanted:
            return {}
        await self._c.execute(
            insert(room_credits)
            .values([{"siren": siren, "year": y} for y in wanted])
            .on_conflict_do_nothing()
        )
        rows = await self._c.execute(
            sa.select(room_credits.c.year, room_credits.c.used)
            .where(room_credits.c.siren == siren, room_credits.c.year.in_(wanted))
            .order_by(room_credits.c.year)
            .with_for_update()
        )
        return {r.year: r.used for r in rows}

    async def set_room_credits(self, siren: str, year: int, used: int) -> None:
        await self._c.execute(
            sa.update(room_credits)
            .where(room_credits.c.siren == siren, room_credits.c.year == year)
            .values(used=used, version=room_credits.c.version + 1)
        )

    async def room_credits_used(self, siren: str, year: int) -> int:
        used = await self._c.scalar(
            sa.select(room_credits.c.used).where(
                room_credits.c.siren == siren, room_credits.c.year == year
            )
        )
        return int(used or 0)

    async def lock_studio_slots(
        self, keys: Iterable[tuple[str, int]]
    ) -> dict[tuple[str, int], int]:
        """Slots used per (participant e-mail, year), the rows locked, after the credits."""
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        await self._c.execute(
            insert(studio_slots)
            .values([{"participant_email": e, "year": y} for e, y in wanted])
            .on_conflict_do_nothing()
        )
        rows = await self._c.execute(
            sa.select(studio_slots.c.participant_email, studio_slots.c.year, studio_slots.c.used)
            .where(sa.tuple_(studio_slots.c.participant_email, studio_slots.c.year).in_(wanted))
            .order_by(studio_slots.c.participant_email, studio_slots.c.year)
            .with_for_update()
        )
        return {(r.participant_email, r.year): r.used for r in rows}

    async def set_studio_slots(self, participant_email: str, year: int, used: int) -> None:
        await self._c.execute(
            sa.update(studio_slots)
            .where(
                studio_slots.c.participant_email == participant_email,
                studio_slots.c.year == year,
            )
            .values(used=used, version=studio_slots.c.version + 1)
        )
