"""The typed records the repositories return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from training.domain.policy import YearCounts
from training.domain.session import Session
from training.domain.terms import ActionType, Attendance, CancelReason, EnrollmentStatus, WaitReason


@dataclass(frozen=True)
class ActionRecord:
    id: UUID
    type: ActionType
    title: str
    description: str
    duration_days: int | None
    remote: bool
    created_at: datetime
    version: int


@dataclass(frozen=True)
class SessionRecord:
    id: UUID
    action_id: UUID
    action_type: ActionType
    title: str
    description: str
    remote: bool
    starts_on: date
    ends_on: date
    capacity: int
    place: str | None
    department: str | None
    registration_opens_on: date
    cancelled_at: datetime | None
    cancel_reason: str | None
    version: int

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    def aggregate(
        self,
        places: tuple[str, ...] = (),
        waiting: int = 0,
        waiting_sirens: frozenset[str] = frozenset(),
    ) -> Session:
        return Session(
            id=self.id,
            action_id=self.action_id,
            action_type=self.action_type,
            starts_on=self.starts_on,
            capacity=self.capacity,
            registration_opens_on=self.registration_opens_on,
            cancelled=self.cancelled,
            places=places,
            waiting=waiting,
            waiting_sirens=waiting_sirens,
        )


@dataclass(frozen=True)
class SessionListing:
    session: SessionRecord
    places_taken: int
    waiting: int

    @property
    def remaining(self) -> int:
        return max(0, self.session.capacity - self.places_taken)


@dataclass(frozen=True)
class Occupancy:
    """What a request reads of a session under its lock."""

    places: tuple[str, ...]
    waiting: int
    waiting_sirens: frozenset[str]
    #: T10: the person already holds a place or waits on a session of the action.
    already_on_action: bool
    #: T3: the person's counts in the session's year, read without the yearly lock.
    counts: YearCounts


@dataclass(frozen=True)
class EnrollmentRecord:
    id: UUID
    session_id: UUID
    action_id: UUID
    action_type: ActionType
    year: int
    starts_on: date
    siren: str
    siret: str
    email: str
    first_name: str
    last_name: str
    status: EnrollmentStatus
    queue_seq: int | None
    waiting_reason: WaitReason | None
    attendance: Attendance | None
    counted: bool
    end_reason: CancelReason | None
    by_staff: bool
    requested_at: datetime
    changed_at: datetime
    version: int

    @classmethod
    def of(cls, row: Any) -> EnrollmentRecord:
        """From a SQLAlchemy row or an asyncpg record."""
        values = row._mapping if hasattr(row, "_mapping") else row
        return cls(**{name: values[name] for name in ENROLLMENT_FIELDS})


ENROLLMENT_FIELDS = tuple(EnrollmentRecord.__dataclass_fields__)


@dataclass(frozen=True)
class EnrollmentView:
    """An enrollment with its action's title and, while it waits, its rank (1 = next)."""

    enrollment: EnrollmentRecord
    #: The action's title (None where the answer does not read it).
    title: str | None
    ends_on: date
    position: int | None
