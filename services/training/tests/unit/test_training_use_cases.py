"""The use cases on an in-memory unit of work: what they decide, write and publish."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from shared.clock import FixedClock
from shared.contracts import (
    EnrollmentCancelled,
    EnrollmentConfirmed,
    EnrollmentPromoted,
    EnrollmentWaitlisted,
    MembershipLapsed,
    SessionCancelled,
)
from shared.errors import RuleViolated
from shared.messaging.outbox import AggregateRef, build_envelope
from training.use_cases.endings import cancel_session, on_membership_lapsed, withdraw
from training.use_cases.registration import Participant, pre_register

from .fakes import FakeTrainingUoW

START = date(2026, 4, 20)
A, B = "552100554", "732829320"


def person(siren: str, n: int) -> Participant:
    from stdnum import luhn

    base = f"{siren}{1:04d}"
    return Participant(
        "Camille", "Martin", f"p{n}@{siren}.example.org", base + luhn.calc_check_digit(base)
    ).normalised()


@pytest.fixture
def uow() -> FakeTrainingUoW:
    fake = FakeTrainingUoW(FixedClock(datetime(2026, 2, 2, 9, tzinfo=UTC)))
    fake.rights.member(A)
    fake.rights.member(B)
    return fake


async def test_t5_pre_registration_publishes_its_outcome_only_on_commit(
    uow: FakeTrainingUoW,
) -> None:
    session = uow.new_session(START, capacity=1)
    async with uow:
        placed = await pre_register(uow, session.id, person(A, 1), by_staff=False)
        waiting = await pre_register(uow, session.id, person(B, 2), by_staff=False)
        assert uow.published == []
        await uow.commit()
    assert placed.enrollment.status == "confirmed"
    assert placed.enrollment.counted
    assert (waiting.enrollment.status, waiting.position) == ("waiting", 1)
    confirmed, waitlisted = uow.events(EnrollmentConfirmed), uow.events(EnrollmentWaitlisted)
    assert confirmed[0].aggregate_id == str(placed.enrollment.id)
    assert confirmed[0].aggregate_version == 1
    assert waitlisted[0].payload["reason"] == "full"


async def test_t2_a_refusal_publishes_nothing(uow: FakeTrainingUoW) -> None:
    uow.rights.members.pop(B)
    session = uow.new_session(START)
    async with uow:
        with pytest.raises(RuleViolated) as refused:
            await pre_register(uow, session.id, person(B, 1), by_staff=False)
    assert refused.value.rule == "T2"
    assert uow.published == []


async def test_t7_a_late_withdrawal_counts_and_promotes_the_next_entry(
    uow: FakeTrainingUoW,
) -> None:
    session = uow.new_session(START, capacity=1)
    async with uow:
        placed = await pre_register(uow, session.id, person(A, 1), by_staff=False)
        waiting = await pre_register(uow, session.id, person(B, 2), by_staff=False)
        await uow.commit()
    uow.clock.set(datetime(2026, 4, 12, 9, tzinfo=UTC))  # type: ignore[attr-defined]
    async with uow:
        done = await withdraw(uow, placed.enrollment.id, A)
        await uow.commit()
    assert (done.enrollment.end_reason, done.enrollment.counted) == ("withdrawn_late", True)
    assert [p.id for p in done.promoted] == [waiting.enrollment.id]
    cancelled = uow.events(EnrollmentCancelled)[0]
    assert (cancelled.payload["counted"], cancelled.aggregate_version) == (True, 2)
    assert uow.events(EnrollmentPromoted)[0].aggregate_version == 2
    # the promoted entry's employee was locked for T3, after the session
    assert (waiting.enrollment.email, 2026) in uow.enrollments.locked


async def test_t8_a_cancelled_session_publishes_with_its_new_version(uow: FakeTrainingUoW) -> None:
    session = uow.new_session(START, capacity=1)
    async with uow:
        await pre_register(uow, session.id, person(A, 1), by_staff=False)
        await pre_register(uow, session.id, person(B, 2), by_staff=False)
        done = await cancel_session(uow, session.id, "Formateur absent")
        await uow.commit()
    assert len(done.cancelled) == 2
    assert all(not e.payload["counted"] for e in uow.events(EnrollmentCancelled))
    assert uow.events(SessionCancelled)[0].aggregate_version == 2
    assert uow.events(EnrollmentPromoted) == []


def lapse(siren: str, lapsed_on: date) -> tuple[MembershipLapsed, object]:
    event = MembershipLapsed(membership_id=uuid4(), siren=siren, year=2026, lapsed_on=lapsed_on)
    return event, build_envelope(event, aggregate=AggregateRef.of(event.membership_id, 2))


async def test_t9_a_lapse_cancels_from_its_date_on_and_promotes(uow: FakeTrainingUoW) -> None:
    early, later = uow.new_session(date(2026, 2, 20)), uow.new_session(START, capacity=1)
    async with uow:
        kept = await pre_register(uow, early.id, person(A, 1), by_staff=True)
        gone = await pre_register(uow, later.id, person(A, 2), by_staff=False)
        next_in_line = await pre_register(uow, later.id, person(B, 3), by_staff=False)
        await uow.commit()
    uow.rights.member(A, lapsed_on=date(2026, 3, 1))  # the projection as the event left it
    event, envelope = lapse(A, date(2026, 3, 1))
    async with uow:
        await on_membership_lapsed(event, envelope, uow)  # type: ignore[arg-type]
        await uow.commit()
    assert uow.enrollments.rows[kept.enrollment.id].status == "confirmed"
    ended = uow.enrollments.rows[gone.enrollment.id]
    assert (ended.status, ended.end_reason, ended.counted) == (
        "cancelled",
        "membership_lapsed",
        False,
    )
    assert uow.enrollments.rows[next_in_line.enrollment.id].status == "confirmed"


async def test_t9_a_stale_lapse_leaves_a_member_alone(uow: FakeTrainingUoW) -> None:
    later = uow.new_session(START)
    async with uow:
        place = await pre_register(uow, later.id, person(A, 1), by_staff=False)
        await uow.commit()
    # membership says A is a member on the start (a reinstatement came after this lapse)
    event, envelope = lapse(A, date(2026, 3, 1))
    async with uow:
        await on_membership_lapsed(event, envelope, uow)  # type: ignore[arg-type]
        await uow.commit()
    assert uow.enrollments.rows[place.enrollment.id].status == "confirmed"
    assert uow.events(EnrollmentCancelled) == []
