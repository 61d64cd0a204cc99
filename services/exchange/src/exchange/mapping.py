"""From the platform's internal events to the partner events: pure functions, no I/O.

What a partner may see is decided here, field by field: a partner event is built from the
facts an internal event carries, never copied from it, so a field added to an internal event
reaches no partner until a mapping names it. E-mail addresses become pseudonymous references;
names (of people or of structures), amounts, plans and free texts are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from exchange.pseudonyms import pseudonym
from shared.contracts import (
    AttendanceRecorded,
    AuditoriumBooked,
    BeneficiaryAdded,
    BeneficiaryRemoved,
    BookingCancelled,
    EnrollmentCancelled,
    EnrollmentConfirmed,
    EnrollmentPromoted,
    EnrollmentWaitlisted,
    MembershipActivated,
    MembershipLapsed,
    MembershipReinstated,
    SessionCancelled,
    SessionScheduled,
)
from shared.contracts.partners import (
    AuditoriumReleased,
    AuditoriumReserved,
    MemberEstablishmentAdded,
    MemberEstablishmentRemoved,
    MemberStatusChanged,
    TrainingAttendanceRecorded,
    TrainingSessionCancelled,
    TrainingSessionPlacesChanged,
    TrainingSessionScheduled,
)

EnrollmentState = Literal["place", "waiting", "ended"]
EnrollmentEvent = (
    EnrollmentConfirmed
    | EnrollmentWaitlisted
    | EnrollmentPromoted
    | EnrollmentCancelled
    | AttendanceRecorded
)

# -- member structures -----------------------------------------------------------------------


def member_activated(event: MembershipActivated) -> MemberStatusChanged:
    """Paid dues (M5, M6): a member from ``valid_from`` to ``valid_until`` (M3); announced again
    with the grace's last day once the next year's renewal is under way (M4)."""
    return MemberStatusChanged(
        siren=event.siren,
        year=event.year,
        status="active",
        since=event.valid_from,
        until=event.valid_until,
        grace_until=event.grace_until,
        establishment_sirets=sorted(event.beneficiary_sirets),
        training_organisation=event.training_organisation,
    )


def member_reinstated(event: MembershipReinstated) -> MemberStatusChanged:
    """A renewal under way within the grace window: a member again until ``grace_until`` (M4)."""
    return MemberStatusChanged(
        siren=event.siren,
        year=event.year,
        status="grace",
        since=event.reinstated_at.date(),
        until=event.grace_until,
    )


def member_lapsed(event: MembershipLapsed) -> MemberStatusChanged:
    """No longer a member from ``lapsed_on`` (M4); why (unpaid, withdrawn) is not said."""
    return MemberStatusChanged(
        siren=event.siren, year=event.year, status="lapsed", since=event.lapsed_on
    )


def establishment_added(event: BeneficiaryAdded) -> MemberEstablishmentAdded:
    """A beneficiary establishment (M7), without its name."""
    return MemberEstablishmentAdded(siren=event.siren, siret=event.siret)


def establishment_removed(event: BeneficiaryRemoved) -> MemberEstablishmentRemoved:
    return MemberEstablishmentRemoved(siren=event.siren, siret=event.siret)


# -- training sessions -----------------------------------------------------------------------


def session_scheduled(event: SessionScheduled) -> TrainingSessionScheduled:
    return TrainingSessionScheduled(
        session_id=event.session_id,
        action_id=event.action_id,
        action_type=event.action_type,
        title=event.title,
        starts_on=event.starts_on,
        ends_on=event.ends_on,
        remote=event.remote,
        place=event.place,
        department=event.department,
        capacity=event.capacity,
        registration_opens_on=event.registration_opens_on,
    )


def session_cancelled(event: SessionCancelled) -> TrainingSessionCancelled:
    """T8; the agency's reason is a free text (it may name someone): left out."""
    return TrainingSessionCancelled(
        session_id=event.session_id, action_id=event.action_id, starts_on=event.starts_on
    )


def enrollment_state(event: EnrollmentEvent) -> EnrollmentState:
    """What an enrollment holds after ``event``: a place, a waiting entry, or nothing (T5, T7)."""
    if isinstance(event, EnrollmentWaitlisted):
        return "waiting"
    if isinstance(event, EnrollmentCancelled):
        return "ended"
    return "place"


@dataclass(frozen=True)
class Places:
    """A session's places as the exchange last published them."""

    session_id: UUID
    capacity: int | None
    places_taken: int
    waiting: int


def places_changed(before: Places, taken: int, waiting: int) -> TrainingSessionPlacesChanged | None:
    """The partner event of a session whose counts are now ``taken`` and ``waiting``; None when
    they did not change (an attendance, a redelivered fact)."""
    if (taken, waiting) == (before.places_taken, before.waiting):
        return None
    return places_of(before.session_id, before.capacity, taken, waiting)


def places_of(
    session_id: UUID, capacity: int | None, taken: int, waiting: int
) -> TrainingSessionPlacesChanged:
    left = None if capacity is None else max(0, capacity - taken)
    return TrainingSessionPlacesChanged(
        session_id=session_id,
        capacity=capacity,
        places_taken=taken,
        places_left=left,
        waiting=waiting,
    )


def attendance_recorded(event: AttendanceRecorded, key: bytes) -> TrainingAttendanceRecorded:
    """T7, the participant under a pseudonymous reference instead of their e-mail."""
    return TrainingAttendanceRecorded(
        session_id=event.session_id,
        action_id=event.action_id,
        action_type=event.action_type,
        session_starts_on=event.session_starts_on,
        siren=event.siren,
        participant=pseudonym(key, event.participant_email),
        attendance=event.attendance,
    )


# -- the auditorium --------------------------------------------------------------------------


def auditorium_reserved(event: AuditoriumBooked) -> AuditoriumReserved:
    """B3: the date and time range taken; not who booked it, nor its price."""
    return AuditoriumReserved(
        reservation_id=event.booking_id,
        resource_id=event.resource_id,
        resource_name=event.resource_name,
        day=event.booked_on,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
    )


def auditorium_released(event: BookingCancelled) -> AuditoriumReleased | None:
    """An auditorium booking cancelled frees its date; rooms and the studio are not shown."""
    if event.resource_kind != "auditorium":
        return None
    return AuditoriumReleased(
        reservation_id=event.booking_id,
        resource_id=event.resource_id,
        resource_name=event.resource_name,
        day=event.booked_on,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
    )
