"""The internal events the exchange service maps to partner events, through the kit's inbox
and outbox like any other consumer: a partner event is written in the transaction that applies
its internal event, so none is lost and none is written twice.

Each handler keeps the newest fact of its aggregate (the kit's version guard): an internal event
older than one applied is dropped, and its partner event never written.
"""

from __future__ import annotations

from exchange import mapping
from exchange.unit_of_work import ExchangeUnitOfWork
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
    Envelope,
    MembershipActivated,
    MembershipLapsed,
    MembershipReinstated,
    SessionCancelled,
    SessionScheduled,
)
from shared.contracts.partners import PartnerEvent
from shared.messaging.consumers import EventConsumers
from shared.messaging.outbox import AggregateRef

consumers: EventConsumers[ExchangeUnitOfWork] = EventConsumers("exchange")


def _publish_as(envelope: Envelope, event: PartnerEvent, uow: ExchangeUnitOfWork) -> None:
    """The partner event about the internal event's aggregate, at its version."""
    uow.outbox.add(event, AggregateRef.of(envelope.aggregate_id, envelope.aggregate_version))


# -- member structures -----------------------------------------------------------------------


@consumers.on(MembershipActivated, projection="memberships")
async def on_membership_activated(
    event: MembershipActivated, envelope: Envelope, uow: ExchangeUnitOfWork
) -> None:
    """Partner events: a member structure's status for the year (active)."""
    _publish_as(envelope, mapping.member_activated(event), uow)


@consumers.on(MembershipReinstated, projection="memberships")
async def on_membership_reinstated(
    event: MembershipReinstated, envelope: Envelope, uow: ExchangeUnitOfWork
) -> None:
    """Partner events: a member structure's status for the year (grace)."""
    _publish_as(envelope, mapping.member_reinstated(event), uow)


@consumers.on(MembershipLapsed, projection="memberships")
async def on_membership_lapsed(
    event: MembershipLapsed, envelope: Envelope, uow: ExchangeUnitOfWork
) -> None:
    """Partner events: a member structure's status for the year (lapsed)."""
    _publish_as(envelope, mapping.member_lapsed(event), uow)


@consumers.on(BeneficiaryAdded, projection="establishments")
async def on_beneficiary_added(
    event: BeneficiaryAdded, envelope: Envelope, uow: ExchangeUnitOfWork
) -> None:
    """Partner events: an establishment sharing a member's rights, without its name."""
    _publish_as(envelope, mapping.establishment_added(event), uow)


@consumers.on(BeneficiaryRemoved, projection="establishments")
async def on_beneficiary_removed(
    event: BeneficiaryRemoved, envelope: Envelope, uow: ExchangeUnitOfWork
) -> None:
    """Partner events: an establishment losing a member's rights."""
    _publish_as(envelope, mapping.establishment_removed(event), uow)


# -- training sessions: one version sequence per session, the exchange's own ------------------


@consumers.on(SessionScheduled, projection="sessions")
async def on_session_scheduled(
    event: SessionScheduled, envelope: Envelope, uow: ExchangeUnitOfWork
) -> None:
    """Partner events: a session opened, with its places."""
    await uow.sessions.lock(event.session_id)
    version = await uow.sessions.next_version(event.session_id, capacity=event.capacity)
    uow.outbox.add(mapping.session_scheduled(event), AggregateRef.of(event.session_id, version))


@consumers.on(SessionCancelled, projection="sessions")
async def on_session_cancelled(
    event: SessionCancelled, envelope: Envelope, uow: ExchangeUnitOfWork
) -> None:
    """Partner events: a session cancelled (T8), without the agency's reason."""
    await uow.sessions.lock(event.session_id)
    version = await uow.sessions.next_version(event.session_id)
    uow.outbox.add(mapping.session_cancelled(event), AggregateRef.of(event.session_id, version))


async def _enrollment_changed(event: mapping.EnrollmentEvent, uow: ExchangeUnitOfWork) -> None:
    """The enrollment's new state, then the session's places if they changed (T5)."""
    before = await uow.sessions.lock(event.session_id)
    await uow.sessions.set_state(
        event.enrollment_id, event.session_id, mapping.enrollment_state(event)
    )
    taken, waiting = await uow.sessions.counts(event.session_id)
    changed = mapping.places_changed(before, taken, waiting)
    if changed is not None:
        version = await uow.sessions.next_version(event.session_id, places=(taken, waiting))
        uow.outbox.add(changed, AggregateRef.of(event.session_id, version))


@consumers.on(EnrollmentConfirmed, projection="enrollments")
async def on_enrollment_confirmed(
    event: EnrollmentConfirmed, envelope: Envelope, uow: ExchangeUnitOfWork
) -> None:
    """Partner events: a place taken (the session's places)."""
    await _enrollment_changed(event, uow)


@consumers.on(EnrollmentWaitlisted, projection="enrollments")
async def on_enrollment_waitlisted(
    event: EnrollmentWaitlisted, envelope: Envelope, uow: ExchangeUnitOfWork
) -> None:
    """Partner events: one more on the waiting list (the session's places)."""
    await _enrollment_changed(event, uow)


@consumers.on(EnrollmentPromoted, projection="enrollments")
async def on_enrollment_promoted(
    event: EnrollmentPromoted, envelope: Envelope, uow: ExchangeUnitOfWork
) -> None:
    """Partner events: a waiting entry given a place (the session's places)."""
    await _enrollment_changed(event, uow)


@consumers.on(EnrollmentCancelled, projection="enrollments")
async def on_enrollment_cancelled(
    event: EnrollmentCancelled, envelope: Envelope, uow: ExchangeUnitOfWork
) -> None:
    """Partner events: a place or waiting entry freed (the session's places)."""
    await _enrollment_changed(event, uow)


@consumers.on(AttendanceRecorded, projection="enrollments")
async def on_attendance_recorded(
    event: AttendanceRecorded, envelope: Envelope, uow: ExchangeUnitOfWork
) -> None:
    """Partner events: an attendance, the participant under a pseudonymous reference."""
    await _enrollment_changed(event, uow)
    _publish_as(envelope, mapping.attendance_recorded(event, uow.pseudonym_key), uow)


# -- the auditorium --------------------------------------------------------------------------


@consumers.on(AuditoriumBooked, projection="bookings")
async def on_auditorium_booked(
    event: AuditoriumBooked, envelope: Envelope, uow: ExchangeUnitOfWork
) -> None:
    """Partner events: an auditorium date taken (B3), without who or at what price."""
    _publish_as(envelope, mapping.auditorium_reserved(event), uow)


@consumers.on(BookingCancelled, projection="bookings")
async def on_booking_cancelled(
    event: BookingCancelled, envelope: Envelope, uow: ExchangeUnitOfWork
) -> None:
    """Partner events: an auditorium date free again (other resources are not shown)."""
    released = mapping.auditorium_released(event)
    if released is not None:
        _publish_as(envelope, released, uow)
