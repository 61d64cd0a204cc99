"""The scripted day of the partner test: the platform's internal events as membership, training
and booking publish them, with the personal data they carry (which no partner may see)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

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
    RoomBooked,
    SessionCancelled,
    SessionScheduled,
    StudioSlotBooked,
)
from shared.contracts.base import Event
from shared.messaging.outbox import AggregateRef

AT = datetime.now(UTC)
SIREN = "356000000"
#: Who the day's internal events name: none of it may reach a partner.
PEOPLE = ("lou.garcia@example.org", "sam.bernard@example.org", "ines.moreau@example.org")
NAMES = ("Lou", "Garcia", "Dupont", "Durand", "Mission locale des Graves")


def enrollment(session_id: uuid.UUID, email: str, starts_on: date) -> dict[str, Any]:
    return {
        "enrollment_id": uuid.uuid4(),
        "session_id": session_id,
        "action_id": uuid.uuid4(),
        "action_type": "training",
        "siren": SIREN,
        "participant_email": email,
        "session_starts_on": starts_on,
    }


def a_day() -> list[tuple[Event, AggregateRef]]:
    """A day of the platform as its internal events tell it, in publication order (each
    followed by the number of partner events it makes: see :data:`MAKES`)."""
    membership, structure = uuid.uuid4(), f"structure:{SIREN}"
    session, other = uuid.uuid4(), uuid.uuid4()
    starts_on = AT.date() + timedelta(days=30)
    lou, sam, ines = (enrollment(session, email, starts_on) for email in PEOPLE)
    auditorium, room = uuid.uuid4(), uuid.uuid4()
    where = {
        "siren": SIREN,
        "resource_id": uuid.uuid4(),
        "booked_on": starts_on,
        "starts_at": time(9, 0),
        "ends_at": time(12, 0),
    }

    def scheduled(session_id: uuid.UUID) -> SessionScheduled:
        return SessionScheduled(
            session_id=session_id,
            action_id=uuid.uuid4(),
            action_type="training",
            title="Accompagner les transitions professionnelles",
            starts_on=starts_on,
            ends_on=starts_on,
            capacity=2,
            remote=False,
            place="Centre Régional Vincent Merle, Pessac",
            department="33",
            registration_opens_on=AT.date(),
            scheduled_at=AT,
        )

    def ref(aggregate: object, version: int) -> AggregateRef:
        return AggregateRef.of(aggregate, version)

    return [
        (
            MembershipActivated(
                membership_id=membership,
                siren=SIREN,
                year=AT.year,
                plan="premium",
                valid_from=AT.date(),
                valid_until=date(AT.year, 12, 31),
                beneficiary_sirets=["35600000000048"],
                invoice_id=uuid.uuid4(),
                activated_at=AT,
            ),
            ref(membership, 2),
        ),
        (
            BeneficiaryAdded(
                siren=SIREN, siret="35600000000055", name="Jean Dupont EI", added_at=AT
            ),
            ref(structure, 3),
        ),
        (scheduled(session), ref(session, 1)),
        (scheduled(other), ref(other, 1)),
        (EnrollmentConfirmed(**lou, confirmed_at=AT), ref(lou["enrollment_id"], 1)),
        (EnrollmentConfirmed(**sam, confirmed_at=AT), ref(sam["enrollment_id"], 1)),
        (
            EnrollmentWaitlisted(**ines, position=1, waitlisted_at=AT, reason="full"),
            ref(ines["enrollment_id"], 1),
        ),
        (
            EnrollmentCancelled(**lou, counted=False, reason="withdrawn_in_time", cancelled_at=AT),
            ref(lou["enrollment_id"], 2),
        ),
        (EnrollmentPromoted(**ines, promoted_at=AT), ref(ines["enrollment_id"], 2)),
        (
            AttendanceRecorded(**sam, attendance="present", counted=True, recorded_at=AT),
            ref(sam["enrollment_id"], 2),
        ),
        (
            SessionCancelled(
                session_id=other,
                action_id=uuid.uuid4(),
                starts_on=starts_on,
                reason="Formatrice Mme Durand absente",
                cancelled_at=AT,
            ),
            ref(other, 2),
        ),
        (
            AuditoriumBooked(
                booking_id=auditorium,
                resource_name="Auditorium",
                **where,
                amount=Decimal("250.00"),
                booked_at=AT,
            ),
            ref(auditorium, 1),
        ),
        (
            BookingCancelled(
                booking_id=auditorium,
                resource_name="Auditorium",
                **where,
                resource_kind="auditorium",
                reason="member",
                credit_returned=True,
                cancelled_at=AT,
                amount=Decimal("250.00"),
            ),
            ref(auditorium, 2),
        ),
        (
            RoomBooked(
                booking_id=room,
                resource_name="Salle 2",
                **where,
                membership_year=AT.year,
                credits_left=4,
                booked_at=AT,
            ),
            ref(room, 1),
        ),
        (
            StudioSlotBooked(
                booking_id=uuid.uuid4(),
                resource_name="Lab Studio",
                **where,
                participant_email=PEOPLE[0],
                booked_at=AT,
            ),
            ref(uuid.uuid4(), 1),
        ),
        (BeneficiaryRemoved(siren=SIREN, siret="35600000000055", removed_at=AT), ref(structure, 4)),
        (
            MembershipLapsed(
                membership_id=membership,
                siren=SIREN,
                year=AT.year,
                lapsed_on=AT.date(),
                reason="renewal_unpaid",
            ),
            ref(membership, 3),
        ),
    ]


#: The partner events each internal event of :func:`a_day` makes, in order: a room or studio
#: booking makes none; an attendance changes no count, so it makes its own event only.
MAKES = (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1)
#: The day in phases of facts independent of each other, each published at once once what the
#: one before made has arrived: a fact never overtakes the one it follows (an enrollment's
#: next step, a booking's cancellation), so the day's partner events are known in advance.
PHASES = (4, 1, 1, 1, 1, 1, 1, 2, 5)
