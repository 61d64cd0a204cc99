"""M11 on the in-memory unit of work: which lapse revokes a structure's open badges and when,
and the training badge that training's attendance earns, once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from membership.governance.badges import BadgeKind, lapse_is_final, last_final_not_renewed_year
from membership.governance.settings import GovernanceSettings
from membership.governance.status_list import decode, is_set
from membership.records import AwardRecord
from membership.use_cases import applications, badges, lapses, payments
from services.membership.tests.unit.fakes import FakeMembershipUnitOfWork
from services.membership.tests.unit.test_membership_use_cases import (
    application,
    approved,
    at,
    paid,
    pay,
    registered,
)
from shared.clock import FixedClock
from shared.contracts import AttendanceRecorded, CreditNoteIssued
from shared.contracts.governance import BadgeAwarded, BadgeRevoked

SETTINGS = GovernanceSettings()
SIZE = SETTINGS.badge_status_list_size


@pytest.fixture
def uow() -> FakeMembershipUnitOfWork:
    return FakeMembershipUnitOfWork(FixedClock(datetime(2025, 3, 1, 10, 0, tzinfo=UTC)))


async def member_of(uow: FakeMembershipUnitOfWork, year: int) -> str:
    """A new structure whose ``year`` membership is paid on 1 March."""
    siren = await registered(uow)
    at(uow, date(year, 3, 1))
    async with uow:
        record = await applications.apply(uow, application(siren, year))
        await uow.commit()
    membership_id = await approved(uow, record.id)
    await pay(uow, paid(siren, membership_id, date(year, 3, 1)))
    return siren


async def member_of_the_year(uow: FakeMembershipUnitOfWork, siren: str, year: int) -> AwardRecord:
    async with uow:
        record = await badges.award_member_of_the_year(uow, siren, year, SETTINGS, by="board")
        await uow.commit()
    return record


async def lapse_run(uow: FakeMembershipUnitOfWork, day: date) -> None:
    at(uow, day)
    async with uow:
        await lapses.run_lapses(uow, day)
        await uow.commit()


async def renew(uow: FakeMembershipUnitOfWork, siren: str, year: int, day: date) -> UUID:
    at(uow, day)
    async with uow:
        record = await applications.apply(uow, application(siren, year))
        await uow.commit()
    assert record.membership_id is not None
    return record.membership_id


def standing(uow: FakeMembershipUnitOfWork, award_id: UUID) -> bool:
    return not uow.badges.rows[award_id].award.revoked


def revoked_bit(uow: FakeMembershipUnitOfWork, award_id: UUID) -> bool:
    listed = uow.badges.lists["revocation"]
    return is_set(decode(listed.encoded_list), uow.badges.rows[award_id].award.status_index)


def test_m11_a_lapse_is_final_at_once_or_once_no_renewal_can_undo_it() -> None:
    assert lapse_is_final("renewal_unpaid", 2025, date(2026, 2, 16))
    assert lapse_is_final("withdrawn", 2025, date(2026, 1, 20))
    assert not lapse_is_final("not_renewed", 2025, date(2026, 1, 1))
    assert not lapse_is_final("not_renewed", 2025, date(2026, 2, 15))
    assert lapse_is_final("not_renewed", 2025, date(2026, 2, 16))
    assert last_final_not_renewed_year(date(2026, 2, 15)) == 2024
    assert last_final_not_renewed_year(date(2026, 2, 16)) == 2025


async def test_m11_a_lapse_for_want_of_a_renewal_revokes_only_once_the_grace_has_passed(
    uow,
) -> None:
    siren = await member_of(uow, 2025)
    award = (await member_of_the_year(uow, siren, 2025)).award
    [awarded] = uow.events(BadgeAwarded)
    assert (awarded.aggregate_id, awarded.aggregate_version) == (str(award.id), 1)

    for day in (date(2026, 1, 1), date(2026, 2, 15)):
        await lapse_run(uow, day)
        assert standing(uow, award.id), day
    assert uow.membership_of(siren, 2025).lapse_reason == "not_renewed"
    assert uow.events(BadgeRevoked) == []

    await lapse_run(uow, date(2026, 2, 16))
    assert not standing(uow, award.id)
    assert revoked_bit(uow, award.id)
    [revoked] = uow.events(BadgeRevoked)
    assert revoked.payload["reason"] == "membership_lapsed"
    assert (revoked.aggregate_id, revoked.aggregate_version) == (str(award.id), 2)
    await lapse_run(uow, date(2026, 2, 17))
    assert len(uow.events(BadgeRevoked)) == 1


async def test_m11_a_member_reinstated_by_its_renewal_keeps_its_badges(uow) -> None:
    siren = await member_of(uow, 2025)
    award = (await member_of_the_year(uow, siren, 2025)).award
    await lapse_run(uow, date(2026, 1, 1))
    renewal = await renew(uow, siren, 2026, date(2026, 1, 20))
    assert uow.membership_of(siren, 2025).lapse_reason is None  # reinstated (M4)
    at(uow, date(2026, 2, 10))
    await pay(uow, paid(siren, renewal, date(2026, 2, 10), kind="membership_renewal"))

    await lapse_run(uow, date(2026, 2, 16))
    await lapse_run(uow, date(2026, 6, 1))
    assert standing(uow, award.id)
    assert uow.events(BadgeRevoked) == []


async def test_m11_an_unpaid_renewal_revokes_the_badges_on_its_lapse(uow) -> None:
    siren = await member_of(uow, 2025)
    award = (await member_of_the_year(uow, siren, 2025)).award
    await renew(uow, siren, 2026, date(2026, 1, 10))
    await lapse_run(uow, date(2026, 2, 15))
    assert standing(uow, award.id)

    await lapse_run(uow, date(2026, 2, 16))
    assert uow.membership_of(siren, 2025).lapse_reason == "renewal_unpaid"
    assert not standing(uow, award.id)
    [revoked] = uow.events(BadgeRevoked)
    assert revoked.payload["siren"] == siren


async def test_m11_a_withdrawn_renewal_revokes_the_badges_at_once(uow) -> None:
    siren = await member_of(uow, 2025)
    award = (await member_of_the_year(uow, siren, 2025)).award
    renewal = await renew(uow, siren, 2026, date(2026, 1, 10))
    at(uow, date(2026, 1, 25))
    async with uow:
        await payments.on_credit_note_issued(
            uow,
            CreditNoteIssued(
                credit_note_id=uuid4(),
                number="AV-2026-0001",
                invoice_id=uuid4(),
                invoice_number="F-2026-0001",
                siren=siren,
                kind="membership_renewal",
                subject_id=renewal,
                amount=Decimal("100.00"),
                cancels_invoice=True,
                reason="withdrawn",
                issued_on=date(2026, 1, 25),
            ),
        )
        await uow.commit()
    assert uow.membership_of(siren, 2025).lapse_reason == "withdrawn"
    assert not standing(uow, award.id)


async def test_m11_badges_earned_after_joining_again_outlive_the_old_lapse(uow) -> None:
    siren = await member_of(uow, 2025)
    old = (await member_of_the_year(uow, siren, 2025)).award
    await lapse_run(uow, date(2026, 2, 16))
    assert not standing(uow, old.id)

    renewal = await renew(uow, siren, 2026, date(2026, 3, 2))
    await pay(uow, paid(siren, renewal, date(2026, 3, 2), kind="membership_renewal"))
    at(uow, date(2026, 6, 1))
    new = (await member_of_the_year(uow, siren, 2026)).award
    await lapse_run(uow, date(2026, 6, 2))
    assert standing(uow, new.id)
    assert not revoked_bit(uow, new.id)


def attendance(
    enrollment_id: UUID, attended: str, action_type: str = "training"
) -> AttendanceRecorded:
    return AttendanceRecorded(
        enrollment_id=enrollment_id,
        session_id=uuid4(),
        action_id=uuid4(),
        action_type=action_type,  # type: ignore[arg-type]
        siren="123456782",
        participant_email="Camille.Durand@Example.org",
        session_starts_on=date(2026, 3, 9),
        attendance=attended,  # type: ignore[arg-type]
        counted=True,
        recorded_at=datetime(2026, 3, 10, 9, 0, tzinfo=UTC),
    )


async def record(uow: FakeMembershipUnitOfWork, event: AttendanceRecorded) -> None:
    async with uow:
        await badges.on_attendance_recorded(uow, event, SIZE)
        await uow.commit()


async def test_m11_a_training_attended_earns_its_badge_once(uow) -> None:
    enrollment = uuid4()
    await record(uow, attendance(enrollment, "present"))
    await record(uow, attendance(enrollment, "present"))
    [award] = [r.award for r in uow.badges.rows.values()]
    assert (award.kind, award.context) == (BadgeKind.TRAINING_COMPLETED, str(enrollment))
    assert award.key[1] == "camille.durand@example.org"
    [event] = uow.events(BadgeAwarded)
    assert event.payload["recipient_email"] == "camille.durand@example.org"

    for other, attended, action in [
        (uuid4(), "present", "innovation_lab"),
        (uuid4(), "absent_unjustified", "training"),
        (uuid4(), "absent_justified", "self_training"),
    ]:
        await record(uow, attendance(other, attended, action))
    assert len(uow.badges.rows) == 1
    await record(uow, attendance(uuid4(), "present", "self_training"))
    assert len(uow.badges.rows) == 2


async def test_m11_an_attendance_corrected_to_absent_revokes_the_training_badge(uow) -> None:
    enrollment = uuid4()
    await record(uow, attendance(enrollment, "present"))
    [first] = list(uow.badges.rows)
    await record(uow, attendance(enrollment, "absent_justified"))
    assert not standing(uow, first)
    [revoked] = uow.events(BadgeRevoked)
    assert revoked.payload["reason"] == "withdrawn"
    await record(uow, attendance(enrollment, "present"))
    assert [standing(uow, a) for a in uow.badges.rows] == [False, True]


async def test_m11_a_training_badge_is_the_persons_and_outlives_a_lapse(uow) -> None:
    siren = await member_of(uow, 2025)
    enrollment = uuid4()
    event = attendance(enrollment, "present").model_copy(update={"siren": siren})
    at(uow, date(2025, 6, 1))
    await record(uow, event)
    await lapse_run(uow, date(2026, 2, 16))
    [award] = list(uow.badges.rows)
    assert standing(uow, award)
