"""M11: the General Assembly's day — attendance, opening, the quorum, closing, who took part."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from membership.governance.assembly import Assembly, AssemblyState, ProxyStatus
from membership.governance.electorate import Electorate, Representative, Voter
from membership.governance.quorum import Quorum
from membership.governance.settings import GovernanceSettings
from shared.errors import Conflict, InvalidInput, RuleViolated

HELD_ON = date(2026, 6, 12)
A, B, C, D, E, F, G, H = (f"{n}" * 9 for n in range(1, 9))
LAPSED = "999999999"
BEFORE = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
DAY = datetime(2026, 6, 12, 13, 30, tzinfo=UTC)
OPENING = datetime(2026, 6, 12, 14, 0, tzinfo=UTC)


def rep(name: str = "Claire Dupont") -> Representative:
    return Representative(name, None, "Directrice")


def signed(assembly: Assembly, electorate: Electorate, *sirens: str) -> Assembly:
    for siren in sirens:
        assembly = assembly.sign_in(electorate, siren, rep(), DAY, by="staff-1")
    return assembly


def test_m11_attendance_is_signed_on_the_assembly_day_only(
    assembly: Assembly, electorate: Electorate, settings: GovernanceSettings
) -> None:
    with pytest.raises(Conflict) as early:
        assembly.sign_in(electorate, A, rep(), BEFORE, by="staff-1")
    assert early.value.code == "M11"
    with pytest.raises(RuleViolated):
        assembly.sign_in(electorate, LAPSED, rep(), DAY, by="staff-1")
    with pytest.raises(Conflict):
        assembly.open(electorate, BEFORE, settings)
    closed = (
        signed(assembly, electorate, A)
        .open(electorate, OPENING, settings)
        .close(DAY.replace(hour=17))
    )
    with pytest.raises(Conflict):
        closed.sign_in(electorate, B, rep(), DAY.replace(hour=18), by="staff-1")


def test_m11_a_proxy_whose_holder_is_absent_is_void_at_the_opening(
    assembly: Assembly, electorate: Electorate, settings: GovernanceSettings
) -> None:
    assembly = assembly.give_proxy(electorate, A, D, BEFORE, settings)
    assembly = assembly.give_proxy(electorate, B, E, BEFORE, settings)
    opened = signed(assembly, electorate, E).open(electorate, OPENING, settings)
    by_giver = {p.giver: p.status for p in opened.proxies}
    assert by_giver == {A: ProxyStatus.VOID, B: ProxyStatus.ACTIVE}
    assert opened.quorum is not None
    assert (opened.quorum.present, opened.quorum.represented) == (1, 1)


def test_m11_a_giver_no_longer_member_on_the_day_is_not_represented(
    assembly: Assembly, electorate: Electorate, settings: GovernanceSettings
) -> None:
    assembly = assembly.give_proxy(electorate, A, D, BEFORE, settings)
    on_the_day = Electorate.of(
        HELD_ON,
        [Voter(s, s, s not in (A, LAPSED)) for s in (A, B, C, D, E, F, G, H, LAPSED)],
    )
    opened = signed(assembly, on_the_day, D).open(on_the_day, OPENING, settings)
    assert opened.proxies[0].status is ProxyStatus.VOID
    assert opened.quorum == Quorum(7, 1, 0, Decimal("0.25"))


def test_m11_quorum_exactly_at_the_share_is_reached(
    assembly: Assembly, electorate: Electorate, settings: GovernanceSettings
) -> None:
    # 8 eligible members, a quarter: 2 present or represented reach it
    assembly = assembly.give_proxy(electorate, A, B, BEFORE, settings)
    opened = signed(assembly, electorate, B).open(electorate, OPENING, settings)
    assert opened.state is AssemblyState.OPEN
    assert opened.opened_at == OPENING
    assert opened.quorum == Quorum(8, 1, 1, Decimal("0.25"))
    assert opened.quorum.required == 2
    assert opened.quorum.reached


def test_m11_quorum_just_below_the_share_is_not_reached(
    assembly: Assembly, electorate: Electorate, settings: GovernanceSettings
) -> None:
    opened = signed(assembly, electorate, B).open(electorate, OPENING, settings)
    assert opened.quorum is not None
    assert opened.quorum.counted == 1
    assert not opened.quorum.reached


def test_m11_quorum_boundary_with_a_share_that_is_not_a_whole_count() -> None:
    third = Decimal("0.3333")
    assert Quorum(9, 3, 0, third).reached  # 3/9 = 0.3333... >= 0.3333
    assert not Quorum(9, 2, 0, third).reached
    assert Quorum(10, 3, 1, Decimal("0.4")).reached  # exactly 4/10
    assert not Quorum(10, 3, 0, Decimal("0.4")).reached
    assert Quorum(10, 3, 0, Decimal("0.4")).required == 4


def test_m11_no_eligible_member_never_reaches_the_quorum_unless_second_convocation() -> None:
    assert not Quorum(0, 0, 0, Decimal("0.25")).reached
    assert Quorum(0, 0, 0, Decimal("0.25"), second_convocation=True).reached
    assert Quorum(40, 1, 0, Decimal("0.25"), second_convocation=True).required == 0


def test_m11_quorum_is_live_before_opening_and_recorded_at_it(
    assembly: Assembly, electorate: Electorate, settings: GovernanceSettings
) -> None:
    assembly = assembly.give_proxy(electorate, A, B, BEFORE, settings)
    live = assembly.quorum_now(electorate, settings.quorum_share)
    assert (live.present, live.represented) == (0, 0)  # B has not signed: A's proxy waits
    assembly = signed(assembly, electorate, B)
    assert assembly.quorum_now(electorate, settings.quorum_share).counted == 2
    opened = assembly.open(electorate, OPENING, settings)
    recorded = opened.quorum
    late = opened.sign_in(electorate, A, rep(), OPENING + timedelta(minutes=20), by="staff-1")
    assert late.quorum == recorded
    assert late.proxies[0].status is ProxyStatus.CANCELLED_BY_ATTENDANCE
    with pytest.raises(Conflict):
        opened.open(electorate, OPENING, settings)


def test_m11_the_quorum_share_is_a_setting(assembly: Assembly, electorate: Electorate) -> None:
    half = GovernanceSettings(quorum_share=Decimal("0.5"))
    opened = signed(assembly, electorate, A, B, C).open(electorate, OPENING, half)
    assert opened.quorum is not None
    assert opened.quorum.required == 4
    assert not opened.quorum.reached


def test_m11_participants_are_present_or_represented(
    assembly: Assembly, electorate: Electorate, settings: GovernanceSettings
) -> None:
    assembly = assembly.give_proxy(electorate, A, B, BEFORE, settings)
    assembly = assembly.give_proxy(electorate, C, D, BEFORE, settings)
    assert assembly.participants() == ()
    closed = (
        signed(assembly, electorate, B, E)
        .open(electorate, OPENING, settings)
        .close(DAY.replace(hour=17))
    )
    assert [(p.siren, p.how, p.through) for p in closed.participants()] == [
        (A, "represented", B),
        (B, "present", None),
        (E, "present", None),
    ]


def test_m11_only_an_open_assembly_closes(
    assembly: Assembly, electorate: Electorate, settings: GovernanceSettings
) -> None:
    with pytest.raises(Conflict):
        assembly.close(DAY)
    opened = assembly.open(electorate, OPENING, settings)
    with pytest.raises(InvalidInput):
        opened.close(OPENING - timedelta(minutes=1))
    closed = opened.close(OPENING + timedelta(hours=2))
    assert closed.state is AssemblyState.CLOSED
    with pytest.raises(Conflict):
        closed.attach_document(UUID(int=9))
    assert replace(assembly).attach_document(UUID(int=9)).documents == (UUID(int=9),)
