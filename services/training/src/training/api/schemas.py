"""Request and response bodies of the training API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.text import ClientText
from training.domain.terms import ActionType, Attendance, CancelReason, EnrollmentStatus, WaitReason
from training.repositories.records import (
    ActionRecord,
    EnrollmentView,
    SessionListing,
    SessionRecord,
)

Text = Annotated[ClientText, Field(min_length=1, max_length=200)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ActionIn(_In):
    type: ActionType
    title: Text
    description: Annotated[ClientText, Field(min_length=1, max_length=5000)]
    #: A training's days (1 to 3, T1); none for the other types.
    duration_days: Annotated[int, Field(ge=1, le=3)] | None = None
    remote: bool = False


class ActionOut(BaseModel):
    id: UUID
    type: ActionType
    title: str
    description: str
    duration_days: int | None
    remote: bool
    created_at: datetime

    @classmethod
    def of(cls, record: ActionRecord) -> ActionOut:
        return cls(
            id=record.id,
            type=record.type,
            title=record.title,
            description=record.description,
            duration_days=record.duration_days,
            remote=record.remote,
            created_at=record.created_at,
        )


class SessionIn(_In):
    starts_on: date
    ends_on: date
    capacity: Annotated[int, Field(ge=1, le=500)]
    registration_opens_on: date
    #: In person: the venue and town, and its department in Nouvelle-Aquitaine.
    place: Text | None = None
    department: Annotated[str, Field(pattern=r"^\d{2}$")] | None = None


class SessionOut(BaseModel):
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
    cancelled: bool
    cancel_reason: str | None
    places_taken: int | None = None
    remaining_places: int | None = None
    waiting: int | None = None

    @classmethod
    def of(cls, record: SessionRecord, listing: SessionListing | None = None) -> SessionOut:
        return cls(
            id=record.id,
            action_id=record.action_id,
            action_type=record.action_type,
            title=record.title,
            description=record.description,
            remote=record.remote,
            starts_on=record.starts_on,
            ends_on=record.ends_on,
            capacity=record.capacity,
            place=record.place,
            department=record.department,
            registration_opens_on=record.registration_opens_on,
            cancelled=record.cancelled,
            cancel_reason=record.cancel_reason,
            places_taken=listing.places_taken if listing else None,
            remaining_places=listing.remaining if listing else None,
            waiting=listing.waiting if listing else None,
        )

    @classmethod
    def listed(cls, listing: SessionListing) -> SessionOut:
        return cls.of(listing.session, listing)


class EnrollmentIn(_In):
    """The employee a member's contact pre-registers (T2)."""

    first_name: Text
    last_name: Text
    email: Annotated[ClientText, Field(min_length=3, max_length=254)]
    #: The establishment employing them: its first nine digits are the member's SIREN (M7).
    siret: Annotated[str, Field(pattern=r"^\d{14}$")]


class EnrollmentOut(BaseModel):
    id: UUID
    session_id: UUID
    action_id: UUID
    action_type: ActionType
    title: str | None
    starts_on: date
    siren: str
    siret: str
    email: str
    first_name: str
    last_name: str
    status: EnrollmentStatus
    #: While waiting: the rank on the session's waiting list (1 = next) and why it waits.
    position: int | None
    waiting_reason: WaitReason | None
    attendance: Attendance | None
    #: T3: whether it counts toward the employee's yearly limits.
    counted: bool
    end_reason: CancelReason | None
    by_staff: bool
    requested_at: datetime

    @classmethod
    def of(cls, view: EnrollmentView) -> EnrollmentOut:
        e = view.enrollment
        return cls(
            id=e.id,
            session_id=e.session_id,
            action_id=e.action_id,
            action_type=e.action_type,
            title=view.title,
            starts_on=e.starts_on,
            siren=e.siren,
            siret=e.siret,
            email=e.email,
            first_name=e.first_name,
            last_name=e.last_name,
            status=e.status,
            position=view.position,
            waiting_reason=e.waiting_reason if e.status == "waiting" else None,
            attendance=e.attendance,
            counted=e.counted,
            end_reason=e.end_reason,
            by_staff=e.by_staff,
            requested_at=e.requested_at,
        )


class RegistrationOut(BaseModel):
    """The answer to a pre-registration: a place, or the waiting list (refusals are problems)."""

    outcome: Literal["confirmed", "waiting"]
    position: int | None
    waiting_reason: WaitReason | None
    enrollment: EnrollmentOut


class WithdrawalOut(BaseModel):
    """T7: whether the withdrawal still counts toward the yearly limits, and who got the place."""

    counted: bool
    reason: CancelReason
    enrollment: EnrollmentOut
    promoted: list[UUID]


class AttendanceIn(_In):
    attendance: Attendance


class CancelIn(_In):
    reason: Annotated[ClientText, Field(min_length=1, max_length=500)]


class CancellationOut(BaseModel):
    session: SessionOut
    cancelled_enrollments: list[UUID]


class RosterOut(BaseModel):
    session: SessionOut
    places: list[EnrollmentOut]
    waiting: list[EnrollmentOut]


class CountedEntryOut(BaseModel):
    enrollment: EnrollmentOut
    counted: bool
    why: str


class EmployeeYearOut(BaseModel):
    email: str
    year: int
    max_actions: int
    max_trainings: int
    counted_actions: int
    counted_trainings: int
    remaining_actions: int
    remaining_trainings: int
    entries: list[CountedEntryOut]


class PolicyIn(_In):
    max_actions: Annotated[int, Field(ge=1, le=50)]
    max_trainings: Annotated[int, Field(ge=0, le=50)]
    registration_closes_days: Annotated[int, Field(ge=0, le=365)] = 15
    late_withdrawal_days: Annotated[int, Field(ge=0, le=365)] = 10


class PolicyOut(PolicyIn):
    year: int
