"""The training rules on pure objects, named after the rule, with boundary values."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import pytest

from shared.errors import Conflict, RuleViolated
from training.domain import enrollment as lifecycle
from training.domain.catalogue import ActionSpec, SessionSpec, check_action, check_session
from training.domain.identity import normalise_email, parse_siret
from training.domain.policy import YearCounts, YearPolicy
from training.domain.session import Candidate, Request, Session, decide, promote

START = date(2026, 4, 20)
POLICY = YearPolicy(2026)  # 4 counted actions of which 3 trainings, 15 and 10 days
SIREN, OTHER = "552100554", "732829320"


def session(
    action_type: str = "training",
    capacity: int = 12,
    places: tuple[str, ...] = (),
    waiting: int = 0,
) -> Session:
    return Session(
        id=uuid4(),
        action_id=uuid4(),
        action_type=action_type,  # type: ignore[arg-type]
        starts_on=START,
        capacity=capacity,
        registration_opens_on=date(2026, 1, 31),
        places=places,
        waiting=waiting,
    )


def request(siren: str = SIREN, counts: YearCounts = YearCounts(), **changes: object) -> Request:
    values: dict[str, object] = {
        "siren": siren,
        "member_on_start": True,
        "establishment_has_rights": True,
        "already_on_action": False,
        "counts": counts,
    }
    values.update(changes)
    return Request(**values)  # type: ignore[arg-type]


def days_before(n: int) -> date:
    return START - timedelta(days=n)


# -- T6 ---------------------------------------------------------------------------------------


def test_t6_pre_registration_15_days_before_the_start_is_accepted() -> None:
    assert decide(session(), request(), days_before(15), POLICY).confirmed


def test_t6_pre_registration_14_days_before_the_start_is_refused() -> None:
    with pytest.raises(RuleViolated) as refused:
        decide(session(), request(), days_before(14), POLICY)
    assert refused.value.rule == "T6"
    assert refused.value.extra["deadline"] == "2026-04-05"


def test_t6_staff_may_register_after_the_deadline_but_not_after_the_start() -> None:
    assert decide(session(), request(by_staff=True), days_before(3), POLICY).confirmed
    assert decide(session(), request(by_staff=True), START, POLICY).confirmed
    with pytest.raises(RuleViolated) as refused:
        decide(session(), request(by_staff=True), START + timedelta(days=1), POLICY)
    assert refused.value.rule == "T6"


def test_t6_the_deadline_is_the_years_setting() -> None:
    policy = YearPolicy(2026, registration_closes_days=20)
    with pytest.raises(RuleViolated):
        decide(session(), request(), days_before(19), policy)


def test_t1_a_request_before_the_registration_opens_is_refused() -> None:
    with pytest.raises(RuleViolated) as refused:
        decide(session(), request(), date(2026, 1, 30), POLICY)
    assert refused.value.rule == "T1"


# -- T2 ---------------------------------------------------------------------------------------


def test_t2_a_structure_not_member_on_the_start_date_is_refused() -> None:
    with pytest.raises(RuleViolated) as refused:
        decide(session(), request(member_on_start=False), days_before(30), POLICY)
    assert refused.value.rule == "T2"


def test_t2_a_removed_beneficiary_establishment_is_refused() -> None:
    with pytest.raises(RuleViolated) as refused:
        decide(session(), request(establishment_has_rights=False), days_before(30), POLICY)
    assert refused.value.rule == "T2"


def test_t2_a_persons_email_is_normalised() -> None:
    assert normalise_email("  Jean.Dupont@EXAMPLE.org ") == "jean.dupont@example.org"
    with pytest.raises(Exception, match="e-mail"):
        normalise_email("jean.dupont@")


def test_m7_a_siret_must_be_valid() -> None:
    assert parse_siret("732 829 320 00074") == "73282932000074"
    with pytest.raises(Exception, match="SIRET"):
        parse_siret("73282932000075")


# -- T3 ---------------------------------------------------------------------------------------


def test_t3_the_4th_action_after_3_trainings_a_self_training_is_accepted() -> None:
    three_trainings = YearCounts(actions=3, trainings=3)
    placed = decide(
        session("self_training"), request(counts=three_trainings), days_before(30), POLICY
    )
    assert placed.confirmed


def test_t3_the_4th_action_after_3_trainings_a_training_is_refused_with_the_counts() -> None:
    three_trainings = YearCounts(actions=3, trainings=3)
    with pytest.raises(RuleViolated) as refused:
        decide(session("training"), request(counts=three_trainings), days_before(30), POLICY)
    assert refused.value.rule == "T3"
    assert refused.value.extra == {
        "year": 2026,
        "counted_actions": 3,
        "counted_trainings": 3,
        "max_actions": 4,
        "max_trainings": 3,
    }


def test_t3_the_5th_action_is_refused_under_4_of_which_3() -> None:
    four = YearCounts(actions=4, trainings=2)
    with pytest.raises(RuleViolated) as refused:
        decide(session("self_training"), request(counts=four), days_before(30), POLICY)
    assert refused.value.rule == "T3"


def test_t3_the_5th_action_is_accepted_under_5_of_which_3() -> None:
    four = YearCounts(actions=4, trainings=2)
    policy = YearPolicy(2026, max_actions=5, max_trainings=3)
    assert decide(session("training"), request(counts=four), days_before(30), policy).confirmed


def test_t3_innovation_lab_does_not_count_and_is_never_refused_for_it() -> None:
    full = YearCounts(actions=4, trainings=3)
    assert decide(
        session("innovation_lab"), request(counts=full), days_before(30), POLICY
    ).confirmed
    assert not lifecycle.counted_when_placed("innovation_lab")
    assert lifecycle.counted_when_placed("self_training")


def test_t3_a_policy_has_no_more_trainings_than_actions() -> None:
    with pytest.raises(Exception, match="trainings"):
        YearPolicy(2026, max_actions=3, max_trainings=4)


# -- T4, T5 (capacity) ------------------------------------------------------------------------


def test_t4_a_third_employee_of_one_siren_through_a_beneficiary_siret_is_waitlisted() -> None:
    # the two places are held by the head office's and a beneficiary's employees: one SIREN
    placed = decide(session(places=(SIREN, SIREN, OTHER)), request(SIREN), days_before(30), POLICY)
    assert not placed.confirmed
    assert placed.waiting_reason == "T4"
    assert placed.position == 1


def test_t4_two_employees_of_one_structure_have_places() -> None:
    assert decide(session(places=(SIREN,)), request(SIREN), days_before(30), POLICY).confirmed


def test_t5_a_full_session_puts_the_request_on_the_waiting_list_in_order() -> None:
    full = session(capacity=2, places=(OTHER, "111111118"), waiting=3)
    placed = decide(full, request(SIREN), days_before(30), POLICY)
    assert (placed.waiting_reason, placed.position) == ("full", 4)


def test_t5_a_freed_place_skips_ineligible_entries_which_keep_their_rank() -> None:
    freed = session(capacity=3, places=(SIREN, SIREN))
    lapsed, third_of_siren, over_quota, eligible, later = (uuid4() for _ in range(5))
    candidates = [
        Candidate(lapsed, OTHER, member_on_start=False, establishment_has_rights=True),
        Candidate(third_of_siren, SIREN, True, True, YearCounts()),
        Candidate(over_quota, "111111118", True, True, YearCounts(4, 3)),
        Candidate(eligible, "222222226", True, True, YearCounts(1, 1)),
        Candidate(later, "333333334", True, True, YearCounts()),
    ]
    result = promote(freed, candidates, POLICY)
    assert result.promoted == [eligible]
    assert result.skipped == {lapsed: "T2", third_of_siren: "T4", over_quota: "T3"}


def test_t5_two_freed_places_go_to_the_first_two_eligible_entries_and_t4_holds() -> None:
    freed = session(capacity=3, places=(OTHER,))
    first, second_same, third = uuid4(), uuid4(), uuid4()
    candidates = [
        Candidate(first, SIREN, True, True, YearCounts()),
        Candidate(second_same, SIREN, True, True, YearCounts()),
        Candidate(third, "111111118", True, True, YearCounts()),
    ]
    assert promote(freed, candidates, POLICY).promoted == [first, second_same]
    one_left = session(capacity=4, places=(SIREN,))
    result = promote(one_left, candidates, POLICY)
    assert result.promoted == [first, third]
    assert result.skipped == {second_same: "T4"}


def test_t8_a_cancelled_session_promotes_no_one() -> None:
    cancelled = Session(**{**session(capacity=3).__dict__, "cancelled": True})
    assert (
        promote(cancelled, [Candidate(uuid4(), SIREN, True, True, YearCounts())], POLICY).promoted
        == []
    )
    with pytest.raises(Conflict) as refused:
        decide(cancelled, request(), days_before(30), POLICY)
    assert refused.value.rule == "T8"


# -- T10 --------------------------------------------------------------------------------------


def test_t10_a_person_already_on_a_session_of_the_action_is_refused() -> None:
    with pytest.raises(Conflict) as refused:
        decide(session(), request(already_on_action=True), days_before(30), POLICY)
    assert refused.value.rule == "T10"
    assert refused.value.status == 409


# -- T7 ---------------------------------------------------------------------------------------


def test_t7_a_withdrawal_10_days_before_the_start_does_not_count() -> None:
    ending = lifecycle.withdrawal("confirmed", "training", START, days_before(10), POLICY)
    assert (ending.reason, ending.counted) == ("withdrawn_in_time", False)


def test_t7_a_withdrawal_9_days_before_the_start_counts() -> None:
    ending = lifecycle.withdrawal("confirmed", "training", START, days_before(9), POLICY)
    assert (ending.reason, ending.counted) == ("withdrawn_late", True)


def test_t7_a_late_withdrawal_from_a_waiting_list_or_a_lab_does_not_count() -> None:
    assert not lifecycle.withdrawal("waiting", "training", START, days_before(2), POLICY).counted
    assert not lifecycle.withdrawal(
        "confirmed", "innovation_lab", START, days_before(2), POLICY
    ).counted


def test_t7_no_withdrawal_once_the_session_started() -> None:
    with pytest.raises(Conflict) as refused:
        lifecycle.withdrawal("confirmed", "training", START, START, POLICY)
    assert refused.value.rule == "T7"


def test_t7_attendance_counts_unless_the_absence_is_justified() -> None:
    assert lifecycle.attendance_counted("present", "training")
    assert lifecycle.attendance_counted("absent_unjustified", "self_training")
    assert not lifecycle.attendance_counted("absent_justified", "training")
    assert not lifecycle.attendance_counted("present", "innovation_lab")


def test_t7_attendance_is_recorded_for_a_place_once_the_session_started() -> None:
    lifecycle.check_attendance("confirmed", START, START)
    with pytest.raises(Conflict):
        lifecycle.check_attendance("confirmed", START, days_before(1))
    with pytest.raises(Conflict):
        lifecycle.check_attendance("waiting", START, START)


# -- T8, T9 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["session_cancelled", "membership_lapsed"])
@pytest.mark.parametrize("status", ["confirmed", "waiting"])
def test_t8_t9_cancelled_places_and_waiting_entries_do_not_count(status: str, reason: str) -> None:
    ending = lifecycle.cancellation(status, reason)  # type: ignore[arg-type]
    assert ending is not None
    assert (ending.reason, ending.counted) == (reason, False)


def test_t8_t9_an_ended_entry_is_left_as_it_is() -> None:
    assert lifecycle.cancellation("withdrawn", "session_cancelled") is None


# -- T1 ---------------------------------------------------------------------------------------


def test_t1_a_training_lasts_1_to_3_days() -> None:
    check_action(ActionSpec("training", "Accueillir", remote=False, duration_days=3))
    for days in (None, 0, 4):
        with pytest.raises(RuleViolated) as refused:
            check_action(ActionSpec("training", "Accueillir", remote=False, duration_days=days))
        assert refused.value.rule == "T1"


def test_t1_a_self_training_is_remote() -> None:
    with pytest.raises(RuleViolated):
        check_action(ActionSpec("self_training", "Parcours", remote=False, duration_days=None))


def test_t1_an_in_person_session_takes_place_in_the_region() -> None:
    action = ActionSpec("training", "Accueillir", remote=False, duration_days=1)
    spec = SessionSpec(START, START, 12, date(2026, 1, 31), "Pessac", "33")
    check_session(action, spec, date(2026, 1, 10))
    with pytest.raises(RuleViolated) as refused:
        check_session(
            action,
            SessionSpec(START, START, 12, date(2026, 1, 31), "Paris", "75"),
            date(2026, 1, 10),
        )
    assert refused.value.rule == "T1"
    with pytest.raises(RuleViolated):
        check_session(action, spec, START)  # not in the future
