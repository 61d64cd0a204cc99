"""Enrollments: places, waiting entries, attendance; and the employees' yearly locks (T3)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.errors import Conflict
from shared.pagination import PageRequest
from training.domain.policy import YearCounts
from training.domain.terms import ACTIVE_STATUSES, Attendance, CancelReason, WaitReason
from training.repositories.records import (
    EnrollmentRecord,
    EnrollmentView,
    Occupancy,
    SessionRecord,
)
from training.tables import actions, employee_years, enrollments, sessions

_T10_INDEX = "uq_enrollments_one_per_action"
_ACTIVE = enrollments.c.status.in_(ACTIVE_STATUSES)


def _record(row: Any) -> EnrollmentRecord:
    return EnrollmentRecord.of(row)


def _position() -> sa.ColumnElement[Any]:
    """A waiting entry's rank in its session's list (1 = next), else NULL."""
    ahead = enrollments.alias("ahead")
    rank = (
        sa.select(sa.func.count())
        .where(
            ahead.c.session_id == enrollments.c.session_id,
            ahead.c.status == "waiting",
            ahead.c.queue_seq <= enrollments.c.queue_seq,
        )
        .scalar_subquery()
    )
    return sa.case((enrollments.c.status == "waiting", rank), else_=None).label("position")


_VIEW_FROM = enrollments.join(sessions, sessions.c.id == enrollments.c.session_id).join(
    actions, actions.c.id == sessions.c.action_id
)


def _views(rows: Iterable[Any]) -> list[EnrollmentView]:
    return [EnrollmentView(_record(r), r.title, r.ends_on, r.position) for r in rows]


#: The statements of a pre-registration run on the asyncpg driver beneath the unit of work's
#: connection (as the messaging kit does): a Core statement costs several times their CPU.
_OCCUPANCY = """
SELECT array_agg(siren) FILTER (WHERE status = 'confirmed') AS places,
       count(*) FILTER (WHERE status = 'waiting') AS waiting,
       array_agg(DISTINCT siren) FILTER (WHERE status = 'waiting') AS waiting_sirens,
       EXISTS (
           SELECT 1 FROM enrollments o
           WHERE o.action_id = $2 AND o.email = $3 AND o.status IN ('confirmed', 'waiting')
       ) AS on_action,
       (SELECT count(*) FROM enrollments y
        WHERE y.email = $3 AND y.year = $4 AND y.counted) AS counted_actions,
       (SELECT count(*) FROM enrollments y
        WHERE y.email = $3 AND y.year = $4 AND y.counted AND y.action_type = 'training'
       ) AS counted_trainings
FROM enrollments
WHERE session_id = $1 AND status IN ('confirmed', 'waiting')
"""
_LOCK_EMPLOYEE_YEAR = "SELECT 1 FROM employee_years WHERE email = $1 AND year = $2 FOR UPDATE"
_CREATE_EMPLOYEE_YEAR = (
    "INSERT INTO employee_years (email, year) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1"
)
_YEAR_COUNTS = """
SELECT count(*) FILTER (WHERE counted),
       count(*) FILTER (WHERE counted AND action_type = 'training')
FROM enrollments WHERE email = $1 AND year = $2
"""
_INSERTED = (
    "id",
    "session_id",
    "action_id",
    "action_type",
    "year",
    "starts_on",
    "siren",
    "siret",
    "email",
    "first_name",
    "last_name",
    "counted",
    "by_staff",
    "requested_at",
    "changed_at",
)
_INSERT_ENROLLMENT = f"""
INSERT INTO enrollments ({", ".join(_INSERTED)}, status, waiting_reason, queue_seq)
VALUES ({", ".join(f"${i}" for i in range(1, len(_INSERTED) + 1))},
        ${len(_INSERTED) + 1}, ${len(_INSERTED) + 2},
        CASE WHEN ${len(_INSERTED) + 1} = 'waiting' THEN nextval('enrollment_queue_seq') END)
RETURNING *
"""


class EnrollmentRepository:
    def __init__(self, connection: AsyncConnection, driver: asyncpg.Connection) -> None:
        self._c = connection
        self._driver = driver

    # -- what a decision reads under the session's lock -------------------------------------

    async def occupancy(self, session: SessionRecord, email: str) -> Occupancy:
        """The session's places (their SIRENs), its waiting entries (how many, which SIRENs),
        T10 and the T3 counts of ``email`` in the session's year.

        Read after the session's lock is taken: this statement's snapshot then sees every
        change committed by the transactions that held the lock before. The counts are read
        without the employee's yearly lock (see :meth:`lock_employee_year`)."""
        row = await self._driver.fetchrow(
            _OCCUPANCY, session.id, session.action_id, email, session.starts_on.year
        )
        assert row is not None
        return Occupancy(
            tuple(row["places"] or ()),
            int(row["waiting"]),
            frozenset(row["waiting_sirens"] or ()),
            bool(row["on_action"]),
            YearCounts(int(row["counted_actions"]), int(row["counted_trainings"])),
        )

    async def lock_employee_year(self, email: str, year: int) -> bool:
        """Lock the employee's row for ``year`` (made on first use); True if it is new, hence
        no enrollment of that employee in that year exists yet."""
        if await self._driver.fetchval(_LOCK_EMPLOYEE_YEAR, email, year):
            return False
        if await self._driver.fetchval(_CREATE_EMPLOYEE_YEAR, email, year):
            return True
        await self._driver.fetchval(_LOCK_EMPLOYEE_YEAR, email, year)
        return False

    async def year_counts_of(self, email: str, year: int) -> YearCounts:
        """T3: what counts for one employee in ``year`` (read under the yearly lock)."""
        row = await self._driver.fetchrow(_YEAR_COUNTS, email, year)
        assert row is not None
        return YearCounts(int(row[0]), int(row[1]))

    async def lock_employee_years(self, emails: Iterable[str], year: int) -> None:
        """Several employees' rows for ``year``, locked in one order (after the session's)."""
        wanted = sorted(set(emails))
        if not wanted:
            return
        await self._c.execute(
            insert(employee_years)
            .values([{"email": e, "year": year} for e in wanted])
            .on_conflict_do_nothing()
        )
        await self._c.execute(
            sa.select(employee_years.c.email)
            .where(employee_years.c.email.in_(wanted), employee_years.c.year == year)
            .order_by(employee_years.c.email)
            .with_for_update()
        )

    async def year_counts(self, emails: Sequence[str], year: int) -> dict[str, YearCounts]:
        """T3: what counts for each employee in ``year`` (read under their yearly locks)."""
        if not emails:
            return {}
        rows = await self._c.execute(
            sa.select(
                enrollments.c.email,
                sa.func.count().filter(enrollments.c.counted),
                sa.func.count().filter(
                    enrollments.c.counted, enrollments.c.action_type == "training"
                ),
            )
            .where(enrollments.c.email.in_(list(emails)), enrollments.c.year == year)
            .group_by(enrollments.c.email)
        )
        found = {r[0]: YearCounts(int(r[1]), int(r[2])) for r in rows}
        return {e: found.get(e, YearCounts()) for e in emails}

    # -- writes -------------------------------------------------------------------------------

    async def add(
        self, values: dict[str, Any], waiting_reason: WaitReason | None
    ) -> EnrollmentRecord:
        """A place, or a waiting entry queued behind the others (T5's order)."""
        try:
            row = await self._driver.fetchrow(
                _INSERT_ENROLLMENT,
                *(values[name] for name in _INSERTED),
                "waiting" if waiting_reason else "confirmed",
                waiting_reason,
            )
        except asyncpg.UniqueViolationError as exc:
            if exc.constraint_name == _T10_INDEX:
                raise Conflict(
                    "This person is already registered (or waiting) for a session of this "
                    "action: one session per action.",
                    rule="T10",
                ) from None
            raise
        return _record(row)

    async def end(
        self, enrollment_id: UUID, status: str, reason: CancelReason, counted: bool, at: datetime
    ) -> EnrollmentRecord:
        row = (
            await self._c.execute(
                enrollments.update()
                .where(enrollments.c.id == enrollment_id)
                .values(
                    status=status,
                    end_reason=reason,
                    counted=counted,
                    changed_at=at,
                    version=enrollments.c.version + 1,
                )
                .returning(*enrollments.c)
            )
        ).one()
        return _record(row)

    async def promote(self, enrollment_id: UUID, counted: bool, at: datetime) -> EnrollmentRecord:
        row = (
            await self._c.execute(
                enrollments.update()
                .where(enrollments.c.id == enrollment_id, enrollments.c.status == "waiting")
                .values(
                    status="confirmed",
                    counted=counted,
                    changed_at=at,
                    version=enrollments.c.version + 1,
                )
                .returning(*enrollments.c)
            )
        ).one()
        return _record(row)

    async def record_attendance(
        self, enrollment_id: UUID, attendance: Attendance, counted: bool, at: datetime
    ) -> EnrollmentRecord:
        row = (
            await self._c.execute(
                enrollments.update()
                .where(enrollments.c.id == enrollment_id)
                .values(
                    attendance=attendance,
                    counted=counted,
                    changed_at=at,
                    version=enrollments.c.version + 1,
                )
                .returning(*enrollments.c)
            )
        ).one()
        return _record(row)

    # -- reads --------------------------------------------------------------------------------

    async def get(self, enrollment_id: UUID) -> EnrollmentRecord | None:
        row = (
            await self._c.execute(enrollments.select().where(enrollments.c.id == enrollment_id))
        ).first()
        return _record(row) if row else None

    async def view(self, enrollment_id: UUID) -> EnrollmentView | None:
        rows = await self._c.execute(
            sa.select(*enrollments.c, actions.c.title, sessions.c.ends_on, _position())
            .select_from(_VIEW_FROM)
            .where(enrollments.c.id == enrollment_id)
        )
        found = _views(rows)
        return found[0] if found else None

    async def active_of_session(self, session_id: UUID) -> list[EnrollmentRecord]:
        """Places, then waiting entries in their order."""
        rows = await self._c.execute(
            enrollments.select()
            .where(enrollments.c.session_id == session_id, _ACTIVE)
            .order_by(
                enrollments.c.status != "confirmed",
                enrollments.c.queue_seq.nulls_first(),
                enrollments.c.requested_at,
                enrollments.c.id,
            )
        )
        return [_record(r) for r in rows]

    async def active_of_structure_from(self, siren: str, first_day: date) -> list[EnrollmentRecord]:
        """T9: places and waiting entries of ``siren`` in sessions starting on or after
        ``first_day``."""
        rows = await self._c.execute(
            enrollments.select()
            .where(enrollments.c.siren == siren, enrollments.c.starts_on >= first_day, _ACTIVE)
            .order_by(enrollments.c.session_id, enrollments.c.queue_seq.nulls_first())
        )
        return [_record(r) for r in rows]

    async def of_structure(
        self, siren: str, page: PageRequest, statuses: Sequence[str] | None = None
    ) -> tuple[list[EnrollmentView], int]:
        where = [enrollments.c.siren == siren]
        if statuses:
            where.append(enrollments.c.status.in_(list(statuses)))
        total = await self._c.scalar(
            sa.select(sa.func.count()).select_from(enrollments).where(*where)
        )
        rows = await self._c.execute(
            sa.select(*enrollments.c, actions.c.title, sessions.c.ends_on, _position())
            .select_from(_VIEW_FROM)
            .where(*where)
            .order_by(enrollments.c.starts_on, enrollments.c.requested_at, enrollments.c.id)
            .limit(page.limit)
            .offset(page.offset)
        )
        return _views(rows), int(total or 0)

    async def of_employee(self, email: str, year: int) -> list[EnrollmentView]:
        rows = await self._c.execute(
            sa.select(*enrollments.c, actions.c.title, sessions.c.ends_on, _position())
            .select_from(_VIEW_FROM)
            .where(enrollments.c.email == email, enrollments.c.year == year)
            .order_by(enrollments.c.starts_on, enrollments.c.requested_at)
        )
        return _views(rows)

    async def roster(self, session_id: UUID) -> list[EnrollmentView]:
        """The session's places and waiting list (in order), for staff."""
        rows = await self._c.execute(
            sa.select(*enrollments.c, actions.c.title, sessions.c.ends_on, _position())
            .select_from(_VIEW_FROM)
            .where(enrollments.c.session_id == session_id, _ACTIVE)
            .order_by(
                enrollments.c.status != "confirmed",
                enrollments.c.queue_seq.nulls_first(),
                enrollments.c.last_name,
                enrollments.c.first_name,
            )
        )
        return _views(rows)
