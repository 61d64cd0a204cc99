"""The mapping from internal events to partner events: what a partner may see, field by field."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import pytest

from exchange import mapping
from exchange.pseudonyms import pseudonym
from shared.contracts import (
    AttendanceRecorded,
    AuditoriumBooked,
    BeneficiaryAdded,
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
from shared.contracts.partners import PARTNER_REGISTRY

KEY = b"test-key"
SESSION = uuid.uuid4()
AT = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
EMAIL = "Camille.Martin@Example.org"


def enrollment(**fields: Any) -> dict[str, Any]:
    return {
        "enrollment_id": uuid.uuid4(),
        "session_id": SESSION,
        "action_id": uuid.uuid4(),
        "action_type": "training",
        "siren": "356000000",
        "participant_email": EMAIL,
        "session_starts_on": date(2025, 3, 18),
        **fields,
    }


def booking(kind: str = "auditorium") -> dict[str, Any]:
    return {
        "booking_id": uuid.uuid4(),
        "siren": "356000000",
        "resource_id": uuid.uuid4(),
        "resource_name": "Auditorium" if kind == "auditorium" else "Salle 2",
        "booked_on": date(2025, 6, 12),
        "starts_at": time(9, 0),
        "ends_at": time(17, 0),
    }


def test_m3_a_paid_membership_is_active_for_its_calendar_year_without_plan_or_invoice() -> None:
    event = MembershipActivated(
        membership_id=uuid.uuid4(),
        siren="356000000",
        year=2025,
        plan="premium",
        valid_from=date(2025, 11, 20),
        valid_until=date(2025, 12, 31),
        beneficiary_sirets=["35600000000055", "35600000000048"],
        training_organisation=True,
        invoice_id=uuid.uuid4(),
        activated_at=AT,
    )
    status = mapping.member_activated(event)
    assert (status.status, status.since, status.until) == (
        "active",
        date(2025, 11, 20),
        date(2025, 12, 31),
    )
    assert status.establishment_sirets == ["35600000000048", "35600000000055"]
    assert status.training_organisation
    wire = status.model_dump(mode="json")
    assert "plan" not in wire
    assert "invoice_id" not in wire


def test_m4_an_active_member_renewing_is_told_a_member_until_the_grace_ends() -> None:
    event = MembershipActivated(
        membership_id=uuid.uuid4(),
        siren="356000000",
        year=2025,
        plan="simple",
        valid_from=date(2025, 1, 1),
        valid_until=date(2025, 12, 31),
        grace_until=date(2026, 2, 15),
        activated_at=AT,
    )
    status = mapping.member_activated(event)
    assert (status.status, status.until, status.grace_until) == (
        "active",
        date(2025, 12, 31),
        date(2026, 2, 15),
    )
    assert (
        mapping.member_activated(event.model_copy(update={"grace_until": None})).grace_until is None
    )


def test_m4_a_renewal_in_the_grace_window_is_grace_until_15_february() -> None:
    event = MembershipReinstated(
        membership_id=uuid.uuid4(),
        siren="356000000",
        year=2025,
        plan="simple",
        grace_until=date(2026, 2, 15),
        renewal_membership_id=uuid.uuid4(),
        reinstated_at=datetime(2026, 1, 10, 8, 0, tzinfo=UTC),
    )
    status = mapping.member_reinstated(event)
    assert (status.status, status.since, status.until) == (
        "grace",
        date(2026, 1, 10),
        date(2026, 2, 15),
    )


def test_m4_a_lapse_says_from_when_not_why() -> None:
    event = MembershipLapsed(
        membership_id=uuid.uuid4(),
        siren="356000000",
        year=2025,
        lapsed_on=date(2026, 2, 16),
        reason="renewal_unpaid",
    )
    status = mapping.member_lapsed(event)
    assert (status.status, status.since, status.until) == ("lapsed", date(2026, 2, 16), None)
    assert "renewal_unpaid" not in status.model_dump_json()


def test_m7_an_establishment_travels_without_its_name() -> None:
    event = BeneficiaryAdded(
        siren="356000000", siret="35600000000055", name="Jean Dupont EI", added_at=AT
    )
    added = mapping.establishment_added(event)
    assert (added.siren, added.siret) == ("356000000", "35600000000055")
    assert "Dupont" not in added.model_dump_json()


def test_t1_a_session_keeps_its_dates_place_and_capacity() -> None:
    event = SessionScheduled(
        session_id=SESSION,
        action_id=uuid.uuid4(),
        action_type="training",
        title="Accompagner les transitions",
        starts_on=date(2025, 3, 18),
        ends_on=date(2025, 3, 19),
        capacity=12,
        remote=False,
        place="Pessac",
        department="33",
        registration_opens_on=date(2025, 1, 27),
        scheduled_at=AT,
    )
    scheduled = mapping.session_scheduled(event)
    assert (scheduled.capacity, scheduled.place, scheduled.department) == (12, "Pessac", "33")


def test_t8_a_cancelled_session_leaves_the_agency_reason_out() -> None:
    event = SessionCancelled(
        session_id=SESSION,
        action_id=uuid.uuid4(),
        starts_on=date(2025, 3, 18),
        reason="Formatrice Mme Durand malade",
        cancelled_at=AT,
    )
    assert "Durand" not in mapping.session_cancelled(event).model_dump_json()


@pytest.mark.parametrize(
    ("event", "state"),
    [
        (EnrollmentConfirmed(**enrollment(confirmed_at=AT)), "place"),
        (EnrollmentPromoted(**enrollment(promoted_at=AT)), "place"),
        (
            EnrollmentWaitlisted(**enrollment(position=1, waitlisted_at=AT, reason="full")),
            "waiting",
        ),
        (
            EnrollmentCancelled(
                **enrollment(counted=False, reason="withdrawn_in_time", cancelled_at=AT)
            ),
            "ended",
        ),
        (
            AttendanceRecorded(
                **enrollment(attendance="absent_unjustified", counted=True, recorded_at=AT)
            ),
            "place",
        ),
    ],
)
def test_t5_t7_each_enrollment_fact_holds_a_place_a_waiting_entry_or_nothing(
    event: mapping.EnrollmentEvent, state: str
) -> None:
    assert mapping.enrollment_state(event) == state


def test_t5_places_change_only_when_the_counts_do() -> None:
    before = mapping.Places(SESSION, capacity=12, places_taken=11, waiting=0)
    assert mapping.places_changed(before, 11, 0) is None
    full = mapping.places_changed(before, 12, 1)
    assert full is not None
    assert (full.places_taken, full.places_left, full.waiting) == (12, 0, 1)


def test_t5_places_of_a_session_not_scheduled_yet_have_no_capacity() -> None:
    unknown = mapping.places_of(SESSION, None, 3, 0)
    assert (unknown.capacity, unknown.places_left, unknown.places_taken) == (None, None, 3)


def test_t7_attendance_names_the_participant_by_a_stable_pseudonym_never_the_email() -> None:
    recorded = AttendanceRecorded(**enrollment(attendance="present", counted=True, recorded_at=AT))
    partner = mapping.attendance_recorded(recorded, KEY)
    again = mapping.attendance_recorded(
        recorded.model_copy(update={"participant_email": " camille.martin@example.org "}), KEY
    )
    assert partner.participant == again.participant, "the normalised e-mail's reference"
    assert partner.participant.startswith("p-")
    assert partner.participant != pseudonym(b"another key", EMAIL)
    assert partner.participant != pseudonym(KEY, "someone.else@example.org")
    assert "example.org" not in partner.model_dump_json().lower()


def test_b3_an_auditorium_reservation_says_when_not_who_nor_the_price() -> None:
    booked = AuditoriumBooked(**booking(), amount=Decimal("250.00"), booked_at=AT)
    reserved = mapping.auditorium_reserved(booked)
    assert (reserved.day, reserved.starts_at, reserved.ends_at) == (
        date(2025, 6, 12),
        time(9, 0),
        time(17, 0),
    )
    wire = reserved.model_dump(mode="json")
    assert "siren" not in wire
    assert "amount" not in wire


def test_b3_only_an_auditorium_cancellation_frees_a_public_date() -> None:
    def cancelled(kind: str) -> BookingCancelled:
        return BookingCancelled(
            **booking(kind),
            resource_kind=kind,  # type: ignore[arg-type]
            reason="member",
            credit_returned=True,
            cancelled_at=AT,
            amount=Decimal("250.00") if kind == "auditorium" else None,
        )

    released = mapping.auditorium_released(cancelled("auditorium"))
    assert released is not None
    assert released.day == date(2025, 6, 12)
    assert mapping.auditorium_released(cancelled("meeting_room")) is None
    assert mapping.auditorium_released(cancelled("lab_studio")) is None


def test_x2_no_partner_event_has_a_field_for_an_email_or_a_name() -> None:
    for spec in PARTNER_REGISTRY:
        fields = set(spec.model.model_fields)
        assert not {f for f in fields if "mail" in f}, spec.event_type
        people = {"name", "first_name", "last_name", "legal_name", "participant_email"}
        assert not people & fields, spec.event_type
