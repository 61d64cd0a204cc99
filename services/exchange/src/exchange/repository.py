"""Every query of the exchange service: the sessions' places and the enrollments' states."""

from __future__ import annotations

from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from exchange.mapping import EnrollmentState, Places
from exchange.tables import enrollments, sessions


class SessionRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def lock(self, session_id: UUID) -> Places:
        """The session's row, created if new, locked until the transaction ends: the changes of
        one session's places are made one after the other, whatever the number of workers."""
        await self._c.execute(
            insert(sessions).values(id=session_id).on_conflict_do_nothing(index_elements=["id"])
        )
        row = (
            await self._c.execute(
                sa.select(sessions.c.capacity, sessions.c.places_taken, sessions.c.waiting)
                .where(sessions.c.id == session_id)
                .with_for_update()
            )
        ).one()
        return Places(session_id, row.capacity, row.places_taken, row.waiting)

    async def next_version(
        self,
        session_id: UUID,
        *,
        capacity: int | None = None,
        places: tuple[int, int] | None = None,
    ) -> int:
        """Record what is published about the session now; returns the version of that partner
        event (one sequence per session, every partner event of it one higher)."""
        values: dict[str, object] = {"version": sessions.c.version + 1}
        if capacity is not None:
            values["capacity"] = capacity
        if places is not None:
            values["places_taken"], values["waiting"] = places
        version = await self._c.scalar(
            sa.update(sessions)
            .where(sessions.c.id == session_id)
            .values(values)
            .returning(sessions.c.version)
        )
        assert version is not None, "lock the session first"
        return int(version)

    async def set_state(
        self, enrollment_id: UUID, session_id: UUID, state: EnrollmentState
    ) -> None:
        statement = insert(enrollments).values(id=enrollment_id, session_id=session_id, state=state)
        await self._c.execute(
            statement.on_conflict_do_update(
                index_elements=["id"], set_={"state": statement.excluded.state}
            )
        )

    async def counts(self, session_id: UUID) -> tuple[int, int]:
        """Places taken and waiting entries of the session, as its enrollments stand."""
        row = (
            await self._c.execute(
                sa.select(
                    sa.func.count().filter(enrollments.c.state == "place"),
                    sa.func.count().filter(enrollments.c.state == "waiting"),
                ).where(enrollments.c.session_id == session_id)
            )
        ).one()
        return int(row[0]), int(row[1])
