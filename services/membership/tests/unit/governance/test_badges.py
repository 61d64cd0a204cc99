"""M11: who earns which open badge, once, and what revokes it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from membership.governance.assembly import Assembly
from membership.governance.badges import (
    BadgeKind,
    PersonRecipient,
    RevocationReason,
    StructureRecipient,
    TrainingAttendance,
    assembly_badges_due,
    award_assembly_participation,
    award_member_of_the_year,
    award_training_completed,
    revoke,
    revoked_indexes,
    revoked_on_lapse,
    training_badge_due,
)
from membership.governance.electorate import Electorate, Representative
from membership.governance.settings import GovernanceSettings
from shared.errors import Conflict, InvalidInput, RuleViolated

A, B, C, D = (f"{n}" * 9 for n in range(1, 5))
AT = datetime(2026, 6, 20, 10, 30, 15, 123456, tzinfo=UTC)
BEFORE = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
DAY = datetime(2026, 6, 12, 13, 30, tzinfo=UTC)


def attendance(
    how: str = "present", action_type: str = "training", enrollment: int = 1
) -> TrainingAttendance:
    return TrainingAttendance(
        enrollment_id=UUID(int=enrollment),
        action_type=action_type,
        siren=A,
        participant_email="  Camille.Durand@Example.ORG ",
        session_starts_on=date(2026, 3, 9),
        attendance=how,  # type: ignore[arg-type]
    )


@pytest.fixture
def closed(assembly: Assembly, electorate: Electorate, settings: GovernanceSettings) -> Assembly:
    assembly = assembly.give_proxy(electorate, A, B, BEFORE, settings)
    assembly = assembly.sign_in(electorate, B, Representative("Lou Petit"), DAY, by="staff-1")
    opened = assembly.open(electorate, DAY.replace(hour=14), settings)
    return opened.close(DAY.replace(hour=17))


def test_m11_member_of_the_year_goes_to_a_member_once_a_year() -> None:
    recipient = StructureRecipient(A, "Mission locale des Landes")
    award = award_member_of_the_year(
        id=UUID(int=1),
        recipient=recipient,
        year=2026,
        member=True,
        existing=[],
        at=AT,
        status_index=7,
    )
    assert (award.kind, award.context, award.siren) == (BadgeKind.MEMBER_OF_THE_YEAR, "2026", A)
    assert award.awarded_at == AT.replace(microsecond=0)
    with pytest.raises(Conflict) as twice:
        award_member_of_the_year(
            id=UUID(int=2),
            recipient=StructureRecipient(B, "Lycée"),
            year=2026,
            member=True,
            existing=[award],
            at=AT,
            status_index=8,
        )
    assert twice.value.code == "M11"
    with pytest.raises(RuleViolated) as not_member:
        award_member_of_the_year(
            id=UUID(int=3),
            recipient=recipient,
            year=2025,
            member=False,
            existing=[],
            at=AT,
            status_index=9,
        )
    assert not_member.value.code == "M11"
    with pytest.raises(InvalidInput):
        award_member_of_the_year(
            id=UUID(int=4),
            recipient=recipient,
            year=2024,
            member=True,
            existing=[],
            at=AT,
            status_index=9,
        )
    # once withdrawn, the year's badge may go to another structure
    withdrawn = revoke(award, RevocationReason.WITHDRAWN, AT)
    again = award_member_of_the_year(
        id=UUID(int=5),
        recipient=StructureRecipient(B, "Lycée"),
        year=2026,
        member=True,
        existing=[withdrawn],
        at=AT,
        status_index=10,
    )
    assert again.siren == B


def test_m11_assembly_badge_for_each_structure_present_or_represented(closed: Assembly) -> None:
    due = assembly_badges_due(closed, [])
    assert [(p.siren, p.how) for p in due] == [(A, "represented"), (B, "present")]
    represented = award_assembly_participation(
        id=UUID(int=11), assembly=closed, siren=A + "00019", existing=[], at=AT, status_index=3
    )
    assert represented.recipient == StructureRecipient(A, "Mission locale des Landes")
    assert (represented.participation, represented.activity_on) == (
        "represented",
        date(2026, 6, 12),
    )
    assert represented.context == str(closed.id)
    assert [p.siren for p in assembly_badges_due(closed, [represented])] == [B]
    with pytest.raises(Conflict):
        award_assembly_participation(
            id=UUID(int=12), assembly=closed, siren=A, existing=[represented], at=AT, status_index=4
        )
    with pytest.raises(RuleViolated) as absent:
        award_assembly_participation(
            id=UUID(int=13), assembly=closed, siren=C, existing=[], at=AT, status_index=5
        )
    assert absent.value.code == "M11"


def test_m11_assembly_badges_wait_for_the_closing(assembly: Assembly) -> None:
    assert assembly_badges_due(assembly, []) == []
    with pytest.raises(Conflict):
        award_assembly_participation(
            id=UUID(int=14), assembly=assembly, siren=A, existing=[], at=AT, status_index=5
        )


def test_m11_training_badge_follows_an_attended_training() -> None:
    assert training_badge_due(attendance())
    assert training_badge_due(attendance(action_type="self_training"))
    assert not training_badge_due(attendance(action_type="innovation_lab"))
    assert not training_badge_due(attendance("absent_justified"))
    assert not training_badge_due(attendance("absent_unjustified"))
    award = award_training_completed(
        id=UUID(int=21), attendance=attendance(), existing=[], at=AT, status_index=1
    )
    assert award.recipient == PersonRecipient("camille.durand@example.org", A)
    assert award.activity_on == date(2026, 3, 9)
    with pytest.raises(Conflict):
        award_training_completed(
            id=UUID(int=22), attendance=attendance(), existing=[award], at=AT, status_index=2
        )
    other_session = award_training_completed(
        id=UUID(int=23),
        attendance=attendance(enrollment=2),
        existing=[award],
        at=AT,
        status_index=2,
    )
    assert other_session.context == str(UUID(int=2))
    with pytest.raises(RuleViolated):
        award_training_completed(
            id=UUID(int=24),
            attendance=attendance("absent_unjustified"),
            existing=[],
            at=AT,
            status_index=3,
        )


def test_m11_a_lapsed_membership_revokes_the_structure_badges_not_the_training_ones(
    closed: Assembly,
) -> None:
    member_of_the_year = award_member_of_the_year(
        id=UUID(int=31),
        recipient=StructureRecipient(A, "Mission locale"),
        year=2026,
        member=True,
        existing=[],
        at=AT,
        status_index=31,
    )
    took_part = award_assembly_participation(
        id=UUID(int=32), assembly=closed, siren=A, existing=[], at=AT, status_index=32
    )
    trained = award_training_completed(
        id=UUID(int=33), attendance=attendance(), existing=[], at=AT, status_index=33
    )
    other = award_assembly_participation(
        id=UUID(int=34), assembly=closed, siren=B, existing=[], at=AT, status_index=34
    )
    lapse = datetime(2027, 2, 16, 0, 5, tzinfo=UTC)
    revoked = revoked_on_lapse([member_of_the_year, took_part, trained, other], A, lapse)
    assert [a.id for a in revoked] == [UUID(int=31), UUID(int=32)]
    assert {a.revocation_reason for a in revoked} == {RevocationReason.MEMBERSHIP_LAPSED}
    assert revoked_indexes([*revoked, trained, other]) == {31, 32}
    with pytest.raises(Conflict):
        revoke(revoked[0], RevocationReason.WITHDRAWN, lapse)
