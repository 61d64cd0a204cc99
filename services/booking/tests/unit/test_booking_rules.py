"""The booking rules on pure values (B1-B8), each test named after its rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from booking.domain.bookings import (
    Booking,
    BookingRequest,
    BookingStatus,
    PurposeCategory,
    Recurrence,
    normalise_email,
)
from booking.domain.conditions import weekly_run
from booking.domain.decision import BookingContext, decide
from booking.domain.opening import (
    OpeningHours,
    day_opening,
    default_opening_hours,
)
from booking.domain.policy import YearPolicy, require_policy
from booking.domain.quotas import check_cancellable, gives_back
from booking.domain.resources import Resource, ResourceKind
from shared.errors import Conflict, InvalidInput, RuleViolated
from shared.projections.member_status import MemberStatus

SIREN = "552100554"
TUESDAY = date(2026, 3, 17)
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
POLICY = YearPolicy(2026, 5, Decimal("250.00"), 3, 3)


def resource(kind: ResourceKind = ResourceKind.MEETING_ROOM, **changes: Any) -> Resource:
    values: dict[str, Any] = {
        "id": uuid4(),
        "name": "Salle Garonne",
        "kind": kind,
        "capacity": 20,
        "equipment": ("projector",),
        "requires_qualiopi": False,
        "active": True,
        "description": None,
        "version": 1,
    }
    values.update(changes)
    return Resource(**values)


def status(day: date = TUESDAY, **changes: Any) -> MemberStatus:
    values: dict[str, Any] = {"siren": SIREN, "day": day, "member": True, "plan": "premium"}
    values.update(changes)
    return MemberStatus(**values)


def request(day: date = TUESDAY, **changes: Any) -> BookingRequest:
    values: dict[str, Any] = {
        "siren": SIREN,
        "resource_id": uuid4(),
        "day": day,
        "starts_at": time(9, 0),
        "ends_at": time(12, 0),
        "purpose": "Atelier d'orientation pour des demandeurs d'emploi",
        "category": PurposeCategory.GUIDANCE,
        "commercial": False,
        "recurrence": Recurrence.NONE,
        "attendance": 12,
        "parking_passes": 3,
        "participant_email": None,
        "requested_by": "member",
    }
    values.update(changes)
    return BookingRequest(**values)


def context(req: BookingRequest, res: Resource | None = None, **changes: Any) -> BookingContext:
    res = res or resource()
    values: dict[str, Any] = {
        "resource": res,
        "status": status(req.day),
        "policy": POLICY,
        "opening": day_opening(req.day, res.id, default_opening_hours(), []),
        "now": NOW,
        "same_slot_days": (),
        "room_credits_used": 0,
        "studio_slots_used": 0,
    }
    values.update(changes)
    return BookingContext(**values)


def refused(rule: str, req: BookingRequest, ctx: BookingContext) -> RuleViolated:
    with pytest.raises(RuleViolated) as caught:
        decide(req, ctx)
    assert caught.value.rule == rule, caught.value.detail
    return caught.value


def booking_of(day: date, **changes: Any) -> Booking:
    values: dict[str, Any] = {
        "id": uuid4(),
        "siren": SIREN,
        "resource_id": uuid4(),
        "resource_name": "Salle Garonne",
        "resource_kind": ResourceKind.MEETING_ROOM,
        "day": day,
        "starts_at": time(9),
        "ends_at": time(10),
        "purpose": "Réunion d'équipe emploi",
        "category": PurposeCategory.EMPLOYMENT,
        "attendance": 5,
        "parking_passes": 0,
        "participant_email": None,
        "amount": None,
        "status": BookingStatus.ACTIVE,
        "created_at": NOW,
        "created_by": "member",
        "cancelled_at": None,
        "cancel_reason": None,
        "credit_returned": None,
        "version": 1,
    }
    values.update(changes)
    return Booking(**values)


# -- B2 meeting rooms -------------------------------------------------------------------------


def test_b2_a_premium_member_books_a_room_with_credits_left() -> None:
    req = request()
    accepted = decide(req, context(req, room_credits_used=0))
    assert accepted.credits_left == 4
    assert accepted.amount is None


def test_b2_the_fifth_room_booking_is_accepted_and_the_sixth_refused() -> None:
    req = request()
    assert decide(req, context(req, room_credits_used=4)).credits_left == 0
    problem = refused("B2", req, context(req, room_credits_used=5))
    assert problem.extra == {"used": 5, "allowed": 5}


def test_b2_a_cancellation_before_its_day_gives_the_credit_back() -> None:
    req = request()
    refused("B2", req, context(req, room_credits_used=5))
    booked = booking_of(TUESDAY)
    assert gives_back(booked, date(2026, 3, 16))  # the day before: the credit comes back
    assert decide(req, context(req, room_credits_used=4)).credits_left == 0


def test_b2_cancelled_on_its_day_the_credit_stays_used() -> None:
    booked = booking_of(TUESDAY)
    assert not gives_back(booked, TUESDAY)
    check_cancellable(booked, TUESDAY)  # still cancellable on the day


def test_b2_the_credits_are_the_years_setting() -> None:
    req = request()
    four = replace(POLICY, room_credits=4)
    refused("B2", req, context(req, policy=four, room_credits_used=4))


def test_b2_a_simple_member_may_not_book_a_meeting_room() -> None:
    req = request()
    problem = refused("B2", req, context(req, status=status(plan="simple")))
    assert "premium" in problem.detail


def test_b2_a_structure_that_is_not_a_member_on_the_day_is_refused() -> None:
    req = request()
    refused("B2", req, context(req, status=status(member=False, plan=None)))


def test_b2_no_terms_for_the_year_no_booking() -> None:
    with pytest.raises(RuleViolated) as caught:
        require_policy(None, 2031, "B2")
    assert caught.value.rule == "B2"


# -- B3 auditorium ----------------------------------------------------------------------------


def test_b3_the_auditorium_is_priced_by_the_year_and_uses_no_credit() -> None:
    req = request()
    res = resource(ResourceKind.AUDITORIUM, name="Auditorium", capacity=200)
    accepted = decide(req, context(req, res, room_credits_used=5))
    assert accepted.amount == Decimal("250.00")
    assert accepted.credits_left is None


def test_b3_a_simple_member_may_not_book_the_auditorium() -> None:
    req = request()
    res = resource(ResourceKind.AUDITORIUM, name="Auditorium", capacity=200)
    refused("B3", req, context(req, res, status=status(plan="simple")))


# -- B4 conditions ----------------------------------------------------------------------------


def test_b4_a_commercial_activity_is_refused() -> None:
    req = request(commercial=True)
    refused("B4", req, context(req))


@pytest.mark.parametrize(
    "category",
    [c for c in PurposeCategory if c.value not in {"guidance", "training", "employment"}],
)
def test_b4_a_purpose_outside_the_agencys_object_is_refused(category: PurposeCategory) -> None:
    req = request(category=category)
    refused("B4", req, context(req))


@pytest.mark.parametrize("category", ["guidance", "training", "employment"])
def test_b4_the_agencys_object_is_accepted(category: str) -> None:
    req = request(category=PurposeCategory(category))
    decide(req, context(req))


def test_b4_a_purpose_said_in_a_word_is_refused() -> None:
    req = request(purpose="Réunion")
    refused("B4", req, context(req))


@pytest.mark.parametrize("recurrence", ["weekly", "fortnightly", "monthly"])
def test_b4_a_declared_series_is_refused(recurrence: str) -> None:
    req = request(recurrence=Recurrence(recurrence))
    refused("B4", req, context(req))


def test_b4_the_same_slot_three_weeks_in_a_row_is_a_pattern() -> None:
    req = request()
    before = [date(2026, 3, 10), date(2026, 3, 3)]  # the two Tuesdays before
    problem = refused("B4", req, context(req, same_slot_days=before))
    assert problem.extra == {"consecutive_weeks": 3}


def test_b4_a_booking_between_two_weeks_of_the_same_slot_completes_a_pattern() -> None:
    req = request()
    around = [date(2026, 3, 10), date(2026, 3, 24)]
    refused("B4", req, context(req, same_slot_days=around))


def test_b4_two_weeks_in_a_row_or_a_gap_is_no_pattern() -> None:
    req = request()
    decide(req, context(req, same_slot_days=[date(2026, 3, 10)]))
    decide(req, context(req, same_slot_days=[date(2026, 3, 3), date(2026, 3, 31)]))
    assert weekly_run(TUESDAY, [date(2026, 3, 10), date(2026, 3, 3), date(2026, 3, 12)]) == 3


def test_b4_the_pattern_length_is_the_years_setting() -> None:
    req = request()
    two = replace(POLICY, pattern_weeks=2)
    refused("B4", req, context(req, policy=two, same_slot_days=[date(2026, 3, 24)]))


def test_b4_qualiopi_is_required_where_the_resource_says_so() -> None:
    req = request()
    res = resource(requires_qualiopi=True)
    organisation = status(training_organisation=True)
    refused("B4", req, context(req, res, status=organisation))
    expired = replace(organisation, qualiopi_valid_until=date(2026, 3, 16))
    refused("B4", req, context(req, res, status=expired))
    valid = replace(organisation, qualiopi_valid_until=TUESDAY)
    decide(req, context(req, res, status=valid))


def test_b4_qualiopi_is_not_asked_where_the_resource_does_not_or_of_other_structures() -> None:
    req = request()
    decide(req, context(req, status=status(training_organisation=True)))
    decide(req, context(req, resource(requires_qualiopi=True)))


# -- B6 Lab Studio ----------------------------------------------------------------------------


def studio(**changes: Any) -> Resource:
    return resource(ResourceKind.LAB_STUDIO, name="Lab Studio", capacity=4, **changes)


def studio_request(**changes: Any) -> BookingRequest:
    return request(
        participant_email="camille.martin@example.org", attendance=2, parking_passes=1, **changes
    )


def test_b6_a_training_organisation_books_the_studio() -> None:
    req = studio_request()
    ctx = context(req, studio(), status=status(plan="simple", training_organisation=True))
    assert decide(req, ctx).amount is None


def test_b6_a_structure_that_is_no_training_organisation_is_refused_at_the_studio() -> None:
    req = studio_request()
    refused("B6", req, context(req, studio(), status=status(training_organisation=False)))


def test_b6_the_fourth_slot_of_one_participant_is_refused() -> None:
    req = studio_request()
    organisation = status(training_organisation=True)
    decide(req, context(req, studio(), status=organisation, studio_slots_used=2))
    problem = refused("B6", req, context(req, studio(), status=organisation, studio_slots_used=3))
    assert problem.extra == {"used": 3, "allowed": 3}


def test_b6_a_studio_slot_names_its_participant() -> None:
    req = request(attendance=2, parking_passes=0)
    with pytest.raises(InvalidInput):
        decide(req, context(req, studio(), status=status(training_organisation=True)))


def test_b6_participants_are_identified_by_normalised_email() -> None:
    assert normalise_email("  Camille.MARTIN@Example.org ") == "camille.martin@example.org"
    with pytest.raises(InvalidInput):
        normalise_email("camille")


# -- B1 capacity, B7 parking --------------------------------------------------------------------


def test_b1_the_attendance_fits_the_room() -> None:
    decide(request(attendance=20, parking_passes=0), context(request()))
    req = request(attendance=21, parking_passes=0)
    assert refused("B1", req, context(req)).extra == {"capacity": 20}


def test_b1_a_resource_closed_to_booking_is_refused() -> None:
    req = request()
    refused("B1", req, context(req, resource(active=False)))


def test_b7_at_most_one_parking_pass_per_participant() -> None:
    req = request(attendance=4, parking_passes=4)
    decide(req, context(req))
    req = request(attendance=4, parking_passes=5)
    refused("B7", req, context(req))


# -- B8 opening ---------------------------------------------------------------------------------


def test_b8_saturday_and_sunday_are_refused() -> None:
    for weekend in (date(2026, 3, 21), date(2026, 3, 22)):
        req = request(weekend)
        problem = refused("B8", req, context(req))
        assert problem.extra == {"closed_because": "weekend"}


def test_b8_the_fourteenth_of_july_is_refused() -> None:
    req = request(date(2026, 7, 14))
    problem = refused("B8", req, context(req))
    assert problem.extra == {"closed_because": "public_holiday"}
    assert "Fête nationale" in problem.detail


def test_b8_opening_hours_boundaries() -> None:
    for starts, ends in ((time(8, 30), time(9, 0)), (time(17, 30), time(18, 0))):
        req = request(starts_at=starts, ends_at=ends)
        decide(req, context(req))
    for starts, ends in ((time(8, 15), time(9, 0)), (time(17, 30), time(18, 15))):
        req = request(starts_at=starts, ends_at=ends)
        assert "opens from 08:30 to 18:00" in refused("B8", req, context(req)).detail


def test_b8_times_on_the_quarter_hour_for_half_an_hour_at_least() -> None:
    for starts, ends in ((time(9, 10), time(10, 0)), (time(9, 0), time(9, 15))):
        req = request(starts_at=starts, ends_at=ends)
        refused("B8", req, context(req))
    req = request(starts_at=time(10, 0), ends_at=time(9, 0))
    refused("B8", req, context(req))


def test_b8_opening_hours_are_a_setting_per_weekday() -> None:
    hours = default_opening_hours()
    hours[2] = OpeningHours(2, time(9, 0), time(12, 0))  # Tuesdays: mornings only
    req = request(starts_at=time(8, 30), ends_at=time(9, 30))
    refused("B8", req, context(req, opening=day_opening(TUESDAY, None, hours, [])))
    del hours[2]
    assert day_opening(TUESDAY, None, hours, []).closed_because == "no_opening_hours"
    with pytest.raises(RuleViolated):
        OpeningHours(6, time(9), time(12))  # never on Saturdays


def test_b8_a_booking_is_for_a_time_still_to_come() -> None:
    req = request(date(2026, 3, 10), starts_at=time(9, 0), ends_at=time(10, 0))
    refused("B8", req, context(req))  # 9:00 UTC is 10:00 in Pessac
    later = request(date(2026, 3, 10), starts_at=time(10, 15), ends_at=time(11, 0))
    decide(later, context(later))


# -- cancellation ---------------------------------------------------------------------------------


def test_b2_a_cancelled_or_past_booking_cannot_be_cancelled() -> None:
    with pytest.raises(Conflict):
        check_cancellable(booking_of(TUESDAY, status=BookingStatus.CANCELLED), date(2026, 3, 1))
    with pytest.raises(Conflict):
        check_cancellable(booking_of(TUESDAY), date(2026, 3, 18))
