"""Actions, sessions and yearly policies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.pagination import PageRequest
from training.domain.policy import YearPolicy
from training.domain.terms import ActionType
from training.repositories.records import ActionRecord, SessionListing, SessionRecord
from training.tables import actions, enrollments, sessions, year_policies

_SESSION_COLUMNS = (
    sessions.c.id,
    sessions.c.action_id,
    actions.c.type.label("action_type"),
    actions.c.title,
    actions.c.description,
    actions.c.remote,
    sessions.c.starts_on,
    sessions.c.ends_on,
    sessions.c.capacity,
    sessions.c.place,
    sessions.c.department,
    sessions.c.registration_opens_on,
    sessions.c.cancelled_at,
    sessions.c.cancel_reason,
    sessions.c.version,
)
_SESSION_FROM = sessions.join(actions, actions.c.id == sessions.c.action_id)


def _session(row: Any) -> SessionRecord:
    return SessionRecord(**row._mapping)


def _action(row: Any) -> ActionRecord:
    return ActionRecord(**row._mapping)


def _policy(row: Any) -> YearPolicy:
    return YearPolicy(
        year=row.year,
        max_actions=row.max_actions,
        max_trainings=row.max_trainings,
        registration_closes_days=row.registration_closes_days,
        late_withdrawal_days=row.late_withdrawal_days,
    )


@dataclass(frozen=True)
class SessionFilter:
    """The members' catalogue: open sessions, by type, month, place and remote."""

    today: date
    action_type: ActionType | None = None
    #: First day of the month the session starts in.
    month: date | None = None
    place: str | None = None
    remote: bool | None = None
    #: Staff may list every session, closed and cancelled included.
    include_closed: bool = False


#: The hot path of a pre-registration runs on the asyncpg driver beneath the unit of work's
#: connection (as the messaging kit does): a Core statement costs several times as much CPU.
_LOCK_SESSION_WITH_POLICY = """
SELECT s.id, s.action_id, a.type AS action_type, a.title, a.description, a.remote,
       s.starts_on, s.ends_on, s.capacity, s.place, s.department, s.registration_opens_on,
       s.cancelled_at, s.cancel_reason, s.version,
       p.year AS policy_year, p.max_actions, p.max_trainings, p.registration_closes_days,
       p.late_withdrawal_days
FROM sessions s
JOIN actions a ON a.id = s.action_id
LEFT JOIN LATERAL (
    SELECT * FROM year_policies y WHERE y.year <= extract(year FROM s.starts_on)
    ORDER BY y.year DESC LIMIT 1
) p ON true
WHERE s.id = $1
FOR UPDATE OF s
"""


class CatalogueRepository:
    def __init__(self, connection: AsyncConnection, driver: asyncpg.Connection) -> None:
        self._c = connection
        self._driver = driver

    # -- actions --------------------------------------------------------------------------------

    async def add_action(
        self,
        *,
        id: UUID,
        type: ActionType,
        title: str,
        description: str,
        duration_days: int | None,
        remote: bool,
        created_at: datetime,
    ) -> ActionRecord:
        row = (
            await self._c.execute(
                actions.insert()
                .values(
                    id=id,
                    type=type,
                    title=title,
                    description=description,
                    duration_days=duration_days,
                    remote=remote,
                    created_at=created_at,
                )
                .returning(*actions.c)
            )
        ).one()
        return _action(row)

    async def action(self, action_id: UUID) -> ActionRecord | None:
        row = (await self._c.execute(actions.select().where(actions.c.id == action_id))).first()
        return _action(row) if row else None

    async def actions(
        self, page: PageRequest, action_type: ActionType | None
    ) -> tuple[list[ActionRecord], int]:
        where = [actions.c.type == action_type] if action_type else []
        total = await self._c.scalar(sa.select(sa.func.count()).select_from(actions).where(*where))
        rows = await self._c.execute(
            actions.select()
            .where(*where)
            .order_by(actions.c.created_at, actions.c.id)
            .limit(page.limit)
            .offset(page.offset)
        )
        return [_action(r) for r in rows], int(total or 0)

    # -- sessions -------------------------------------------------------------------------------

    async def add_session(
        self,
        *,
        id: UUID,
        action_id: UUID,
        starts_on: date,
        ends_on: date,
        capacity: int,
        place: str | None,
        department: str | None,
        registration_opens_on: date,
        created_at: datetime,
    ) -> SessionRecord:
        await self._c.execute(
            sessions.insert().values(
                id=id,
                action_id=action_id,
                starts_on=starts_on,
                ends_on=ends_on,
                capacity=capacity,
                place=place,
                department=department,
                registration_opens_on=registration_opens_on,
                created_at=created_at,
            )
        )
        record = await self.session(id)
        assert record is not None
        return record

    async def session(self, session_id: UUID) -> SessionRecord | None:
        row = (
            await self._c.execute(
                sa.select(*_SESSION_COLUMNS)
                .select_from(_SESSION_FROM)
                .where(sessions.c.id == session_id)
            )
        ).first()
        return _session(row) if row else None

    async def lock_session(self, session_id: UUID) -> SessionRecord | None:
        """The session, its row locked until the transaction ends: taken first, before any
        employee's yearly row, so that two transactions never wait on each other in a cycle."""
        row = (
            await self._c.execute(
                sa.select(*_SESSION_COLUMNS)
                .select_from(_SESSION_FROM)
                .where(sessions.c.id == session_id)
                .with_for_update(of=sessions)
            )
        ).first()
        return _session(row) if row else None

    async def lock_session_with_policy(
        self, session_id: UUID
    ) -> tuple[SessionRecord, YearPolicy | None] | None:
        """:meth:`lock_session`, with the policy of the session's year (see :meth:`policy_for`)
        in the same statement: the request path's one round trip for both, on the driver."""
        row = await self._driver.fetchrow(_LOCK_SESSION_WITH_POLICY, session_id)
        if row is None:
            return None
        session = SessionRecord(**{k: row[k] for k in SessionRecord.__dataclass_fields__})
        if row["policy_year"] is None:
            return session, None
        return session, YearPolicy(
            year=session.starts_on.year,
            max_actions=row["max_actions"],
            max_trainings=row["max_trainings"],
            registration_closes_days=row["registration_closes_days"],
            late_withdrawal_days=row["late_withdrawal_days"],
        )

    async def lock_sessions(self, session_ids: Sequence[UUID]) -> list[SessionRecord]:
        """Several sessions locked in one order (their ids), for a change across sessions."""
        if not session_ids:
            return []
        rows = await self._c.execute(
            sa.select(*_SESSION_COLUMNS)
            .select_from(_SESSION_FROM)
            .where(sessions.c.id.in_(sorted(set(session_ids))))
            .order_by(sessions.c.id)
            .with_for_update(of=sessions)
        )
        return [_session(r) for r in rows]

    async def mark_cancelled(self, session_id: UUID, reason: str, at: datetime) -> int:
        """T8: the session is cancelled; returns its new version."""
        version = await self._c.scalar(
            sessions.update()
            .where(sessions.c.id == session_id, sessions.c.cancelled_at.is_(None))
            .values(cancelled_at=at, cancel_reason=reason, version=sessions.c.version + 1)
            .returning(sessions.c.version)
        )
        assert version is not None
        return int(version)

    async def listings(
        self, where: SessionFilter, page: PageRequest, closes_days: int
    ) -> tuple[list[SessionListing], int]:
        """Sessions with their places taken and waiting entries, soonest first.

        ``closes_days``: T6's delay, to leave out the sessions whose registration closed."""
        conditions: list[sa.ColumnElement[bool]] = []
        if not where.include_closed:
            conditions += [
                sessions.c.cancelled_at.is_(None),
                sessions.c.registration_opens_on <= where.today,
                # T6: registration still open (start minus the delay not passed)
                sessions.c.starts_on >= where.today + timedelta(days=closes_days),
            ]
        if where.action_type is not None:
            conditions.append(actions.c.type == where.action_type)
        if where.month is not None:
            next_month = date(
                where.month.year + where.month.month // 12, where.month.month % 12 + 1, 1
            )
            conditions += [sessions.c.starts_on >= where.month, sessions.c.starts_on < next_month]
        if where.place is not None:
            conditions.append(
                sessions.c.place.ilike("%" + _escape_like(where.place) + "%", escape="\\")
            )
        if where.remote is not None:
            conditions.append(actions.c.remote.is_(where.remote))
        counts = (
            sa.select(
                enrollments.c.session_id,
                sa.func.count().filter(enrollments.c.status == "confirmed").label("taken"),
                sa.func.count().filter(enrollments.c.status == "waiting").label("waiting"),
            )
            .where(enrollments.c.status.in_(("confirmed", "waiting")))
            .group_by(enrollments.c.session_id)
            .subquery()
        )
        total = await self._c.scalar(
            sa.select(sa.func.count()).select_from(_SESSION_FROM).where(*conditions)
        )
        rows = await self._c.execute(
            sa.select(
                *_SESSION_COLUMNS,
                sa.func.coalesce(counts.c.taken, 0).label("taken"),
                sa.func.coalesce(counts.c.waiting, 0).label("waiting_count"),
            )
            .select_from(_SESSION_FROM.outerjoin(counts, counts.c.session_id == sessions.c.id))
            .where(*conditions)
            .order_by(sessions.c.starts_on, sessions.c.id)
            .limit(page.limit)
            .offset(page.offset)
        )
        listed = []
        for row in rows:
            values = dict(row._mapping)
            taken, waiting = values.pop("taken"), values.pop("waiting_count")
            listed.append(SessionListing(SessionRecord(**values), int(taken), int(waiting)))
        return listed, int(total or 0)

    # -- yearly policies (T3, T6, T7) -------------------------------------------------------

    async def policy_for(self, year: int) -> YearPolicy | None:
        """The year's policy, else the latest year's before it (a year keeps the last limits
        staff set until they set new ones)."""
        row = (
            await self._c.execute(
                year_policies.select()
                .where(year_policies.c.year <= year)
                .order_by(year_policies.c.year.desc())
                .limit(1)
            )
        ).first()
        if row is None:
            return None
        policy = _policy(row)
        return policy if policy.year == year else _for_year(policy, year)

    async def policies(self) -> list[YearPolicy]:
        rows = await self._c.execute(year_policies.select().order_by(year_policies.c.year))
        return [_policy(r) for r in rows]

    async def set_policy(self, policy: YearPolicy) -> YearPolicy:
        values = {
            "max_actions": policy.max_actions,
            "max_trainings": policy.max_trainings,
            "registration_closes_days": policy.registration_closes_days,
            "late_withdrawal_days": policy.late_withdrawal_days,
        }
        statement = insert(year_policies).values(year=policy.year, **values)
        row = (
            await self._c.execute(
                statement.on_conflict_do_update(
                    index_elements=[year_policies.c.year],
                    set_={**values, "version": year_policies.c.version + 1},
                ).returning(*year_policies.c)
            )
        ).one()
        return _policy(row)


def _for_year(policy: YearPolicy, year: int) -> YearPolicy:
    return replace(policy, year=year)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
