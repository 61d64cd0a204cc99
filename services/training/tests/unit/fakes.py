"""In-memory repositories behind the training use cases (the unit of work is shared's)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from shared.clock import Clock
from shared.errors import Conflict
from shared.projections.member_status import MembershipPeriod
from shared.testing.fakes import InMemoryUnitOfWork
from training.domain.policy import YearCounts, YearPolicy
from training.repositories.records import EnrollmentRecord, Occupancy, SessionRecord

ACTIVE = ("confirmed", "waiting")


class FakeRights:
    def __init__(self) -> None:
        self.members: dict[str, list[MembershipPeriod]] = {}
        self.removed: set[str] = set()

    def member(self, siren: str, year: int = 2026, lapsed_on: date | None = None) -> None:
        self.members[siren] = [
            MembershipPeriod(
                uuid4(),
                siren,
                year,
                "simple",
                date(year, 1, 1),
                date(year, 12, 31),
                None,
                False,
                lapsed_on,
                None,
            )
        ]

    async def periods(self, siren: str) -> list[MembershipPeriod]:
        return self.members.get(siren, [])

    async def establishment_has_rights(self, siret: str) -> bool:
        return siret not in self.removed

    async def rights_of(self, siren: str, siret: str) -> tuple[list[MembershipPeriod], bool]:
        return await self.periods(siren), await self.establishment_has_rights(siret)


class FakeCatalogue:
    def __init__(self) -> None:
        self.sessions: dict[UUID, SessionRecord] = {}
        self.policies: dict[int, YearPolicy] = {2026: YearPolicy(2026)}

    def add(self, session: SessionRecord) -> SessionRecord:
        self.sessions[session.id] = session
        return session

    async def session(self, session_id: UUID) -> SessionRecord | None:
        return self.sessions.get(session_id)

    lock_session = session

    async def lock_sessions(self, ids: list[UUID]) -> list[SessionRecord]:
        return [self.sessions[i] for i in sorted(set(ids))]

    async def policy_for(self, year: int) -> YearPolicy | None:
        return self.policies.get(year)

    async def lock_session_with_policy(
        self, session_id: UUID
    ) -> tuple[SessionRecord, YearPolicy | None] | None:
        session = self.sessions.get(session_id)
        return None if session is None else (session, self.policies.get(session.starts_on.year))

    async def mark_cancelled(self, session_id: UUID, reason: str, at: datetime) -> int:
        session = self.sessions[session_id]
        self.sessions[session_id] = replace(
            session, cancelled_at=at, cancel_reason=reason, version=session.version + 1
        )
        return session.version + 1


class FakeEnrollments:
    def __init__(self) -> None:
        self.rows: dict[UUID, EnrollmentRecord] = {}
        self._seq = itertools.count(1)
        self.locked: list[tuple[str, int]] = []

    def _active(self, session_id: UUID) -> list[EnrollmentRecord]:
        return [r for r in self.rows.values() if r.session_id == session_id and r.status in ACTIVE]

    async def occupancy(self, session: SessionRecord, email: str) -> Occupancy:
        session_id, action_id = session.id, session.action_id
        active = self._active(session_id)
        return Occupancy(
            tuple(r.siren for r in active if r.status == "confirmed"),
            sum(1 for r in active if r.status == "waiting"),
            frozenset(r.siren for r in active if r.status == "waiting"),
            any(
                r.action_id == action_id and r.email == email and r.status in ACTIVE
                for r in self.rows.values()
            ),
            await self.year_counts_of(email, session.starts_on.year),
        )

    async def lock_employee_year(self, email: str, year: int) -> bool:
        self.locked.append((email, year))
        return not any(r.email == email and r.year == year for r in self.rows.values())

    async def lock_employee_years(self, emails: Any, year: int) -> None:
        self.locked += [(e, year) for e in sorted(set(emails))]

    async def year_counts_of(self, email: str, year: int) -> YearCounts:
        mine = [r for r in self.rows.values() if r.email == email and r.year == year and r.counted]
        return YearCounts(len(mine), sum(1 for r in mine if r.action_type == "training"))

    async def year_counts(self, emails: list[str], year: int) -> dict[str, YearCounts]:
        return {e: await self.year_counts_of(e, year) for e in emails}

    async def add(self, values: dict[str, Any], waiting_reason: str | None) -> EnrollmentRecord:
        if any(
            r.action_id == values["action_id"] and r.email == values["email"] and r.status in ACTIVE
            for r in self.rows.values()
        ):
            raise Conflict("twice", rule="T10")
        record = EnrollmentRecord(
            **values,
            status="waiting" if waiting_reason else "confirmed",
            queue_seq=next(self._seq) if waiting_reason else None,
            waiting_reason=waiting_reason,  # type: ignore[arg-type]
            attendance=None,
            end_reason=None,
            version=1,
        )
        self.rows[record.id] = record
        return record

    def _update(self, enrollment_id: UUID, **changes: Any) -> EnrollmentRecord:
        record = self.rows[enrollment_id]
        record = replace(record, **changes, version=record.version + 1)
        self.rows[enrollment_id] = record
        return record

    async def end(
        self, enrollment_id: UUID, status: str, reason: str, counted: bool, at: datetime
    ) -> EnrollmentRecord:
        return self._update(
            enrollment_id, status=status, end_reason=reason, counted=counted, changed_at=at
        )

    async def promote(self, enrollment_id: UUID, counted: bool, at: datetime) -> EnrollmentRecord:
        return self._update(enrollment_id, status="confirmed", counted=counted, changed_at=at)

    async def record_attendance(
        self, enrollment_id: UUID, attendance: str, counted: bool, at: datetime
    ) -> EnrollmentRecord:
        return self._update(enrollment_id, attendance=attendance, counted=counted, changed_at=at)

    async def get(self, enrollment_id: UUID) -> EnrollmentRecord | None:
        return self.rows.get(enrollment_id)

    async def active_of_session(self, session_id: UUID) -> list[EnrollmentRecord]:
        active = self._active(session_id)
        return sorted(active, key=lambda r: (r.status != "confirmed", r.queue_seq or 0))

    async def active_of_structure_from(self, siren: str, first_day: date) -> list[EnrollmentRecord]:
        return [
            r
            for r in self.rows.values()
            if r.siren == siren and r.starts_on >= first_day and r.status in ACTIVE
        ]


class FakeTrainingUoW(InMemoryUnitOfWork):
    def __init__(self, clock: Clock | None = None) -> None:
        super().__init__(clock)
        self.catalogue = FakeCatalogue()
        self.enrollments = FakeEnrollments()
        self.rights = FakeRights()
        self.projection = self.rights

    def new_session(
        self, starts_on: date, capacity: int = 12, action_type: str = "training"
    ) -> SessionRecord:
        return self.catalogue.add(
            SessionRecord(
                id=uuid4(),
                action_id=uuid4(),
                action_type=action_type,  # type: ignore[arg-type]
                title="Accueillir",
                description="",
                remote=False,
                starts_on=starts_on,
                ends_on=starts_on,
                capacity=capacity,
                place="Pessac",
                department="33",
                registration_opens_on=date(2026, 1, 31),
                cancelled_at=None,
                cancel_reason=None,
                version=1,
            )
        )
