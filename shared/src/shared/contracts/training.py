"""Events published by the ParcoursPro training service."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Literal
from uuid import UUID

from shared.contracts.base import Event

ActionType = Literal["training", "self_training", "innovation_lab"]


class _EnrollmentEvent(Event):
    producer: ClassVar[str] = "training"

    enrollment_id: UUID
    session_id: UUID
    action_id: UUID
    action_type: ActionType
    siren: str
    participant_email: str
    session_starts_on: date


class EnrollmentRequested(_EnrollmentEvent):
    event_type: ClassVar[str] = "EnrollmentRequested"
    routing_stem: ClassVar[str] = "enrollment.requested"

    requested_at: datetime


class EnrollmentConfirmed(_EnrollmentEvent):
    event_type: ClassVar[str] = "EnrollmentConfirmed"
    routing_stem: ClassVar[str] = "enrollment.confirmed"

    confirmed_at: datetime


class EnrollmentWaitlisted(_EnrollmentEvent):
    """The request waits: the session is full (``full``) or already has two employees of the
    structure (``T4``); ``position`` is its rank, 1 = next."""

    event_type: ClassVar[str] = "EnrollmentWaitlisted"
    routing_stem: ClassVar[str] = "enrollment.waitlisted"

    position: int
    waitlisted_at: datetime
    #: Why it waits (added in v1, optional: older messages have none).
    reason: Literal["full", "T4"] | None = None


class EnrollmentPromoted(_EnrollmentEvent):
    """A freed place went to the first waiting entry still eligible (T5)."""

    event_type: ClassVar[str] = "EnrollmentPromoted"
    routing_stem: ClassVar[str] = "enrollment.promoted"

    promoted_at: datetime


class EnrollmentCancelled(_EnrollmentEvent):
    """A place or waiting entry ended; ``counted`` says whether it still counts toward T3."""

    event_type: ClassVar[str] = "EnrollmentCancelled"
    routing_stem: ClassVar[str] = "enrollment.cancelled"

    counted: bool
    reason: Literal[
        "withdrawn_in_time",
        "withdrawn_late",
        "session_cancelled",
        "membership_lapsed",
        "staff",
    ]
    cancelled_at: datetime


class AttendanceRecorded(_EnrollmentEvent):
    event_type: ClassVar[str] = "AttendanceRecorded"
    routing_stem: ClassVar[str] = "enrollment.attendance_recorded"

    attendance: Literal["present", "absent_justified", "absent_unjustified"]
    counted: bool
    recorded_at: datetime


class SessionScheduled(Event):
    """The agency opened a session of an action (T1): its dates, its place (or remote) and its
    places. About the session (``aggregate_id`` = ``session_id``) at the version its creation
    left it; a later ``SessionCancelled`` has a newer one."""

    event_type: ClassVar[str] = "SessionScheduled"
    routing_stem: ClassVar[str] = "session.scheduled"
    producer: ClassVar[str] = "training"

    session_id: UUID
    action_id: UUID
    action_type: ActionType
    #: The action's title, as the public catalogue shows it.
    title: str
    starts_on: date
    ends_on: date
    capacity: int
    remote: bool
    #: The venue of an in-person session and its department; None for a remote one.
    place: str | None = None
    department: str | None = None
    registration_opens_on: date
    scheduled_at: datetime


class SessionCancelled(Event):
    """The agency cancelled a session: every place and waiting entry ends, not counted (T8)."""

    event_type: ClassVar[str] = "SessionCancelled"
    routing_stem: ClassVar[str] = "session.cancelled"
    producer: ClassVar[str] = "training"

    session_id: UUID
    action_id: UUID
    starts_on: date
    reason: str
    cancelled_at: datetime
