"""M11: the General Assembly — convocation, eligibility, answers and proxies."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from membership.governance.assembly import Assembly, AssemblyState, ProxyStatus, Venue
from membership.governance.electorate import Electorate, Representative, Voter, voter_of
from membership.governance.settings import GovernanceSettings
from shared.errors import Conflict, InvalidInput, NotFound, RuleViolated
from shared.projections.member_status import MembershipPeriod, status_on

HELD_ON = date(2026, 6, 12)
A, B, C, D, E, F, G, H = (f"{n}" * 9 for n in range(1, 9))
LAPSED = "999999999"
BEFORE = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
DAY = datetime(2026, 6, 12, 13, 30, tzinfo=UTC)
OPENING = datetime(2026, 6, 12, 14, 0, tzinfo=UTC)


def rep(name: str = "Claire Dupont") -> Representative:
    return Representative(name, None, "Directrice")


def convene(settings: GovernanceSettings, today: date, held_on: date = HELD_ON) -> Assembly:
    return Assembly.convene(
        id=UUID(int=1),
        title="AGO",
        held_on=held_on,
        starts_at=time(14),
        venue=Venue(link="https://visio.example/ago"),
        agenda=["Rapport moral"],
        today=today,
        settings=settings,
    )


def signed(assembly: Assembly, electorate: Electorate, *sirens: str) -> Assembly:
    for siren in sirens:
        assembly = assembly.sign_in(electorate, siren, rep(), DAY, by="staff-1")
    return assembly


# --- settings and convocation ------------------------------------------------------------


def test_m11_settings_default_to_the_statutes() -> None:
    settings = GovernanceSettings()
    assert settings.convocation_notice_days == 15
    assert settings.max_proxies_held == 2
    assert settings.quorum_share == Decimal("0.25")


def test_m11_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVERNANCE_CONVOCATION_NOTICE_DAYS", "21")
    monkeypatch.setenv("GOVERNANCE_MAX_PROXIES_HELD", "3")
    monkeypatch.setenv("GOVERNANCE_QUORUM_SHARE", "0.5")
    settings = GovernanceSettings()
    assert (settings.convocation_notice_days, settings.max_proxies_held) == (21, 3)
    assert settings.quorum_share == Decimal("0.5")


def test_m11_convocation_exactly_the_notice_before_is_valid(settings: GovernanceSettings) -> None:
    assembly = convene(settings, today=HELD_ON - timedelta(days=15))
    assert assembly.state is AssemblyState.CONVENED
    assert assembly.convened_on == date(2026, 5, 28)


def test_m11_convocation_a_day_short_of_the_notice_is_refused(
    settings: GovernanceSettings,
) -> None:
    with pytest.raises(RuleViolated) as refused:
        convene(settings, today=HELD_ON - timedelta(days=14))
    assert refused.value.code == "M11"
    assert refused.value.extra == {"notice_days": 14, "required_days": 15}
    assert "2026-06-13 or later" in refused.value.detail


def test_m11_convocation_notice_follows_the_setting() -> None:
    longer = GovernanceSettings(convocation_notice_days=30)
    with pytest.raises(RuleViolated):
        convene(longer, today=HELD_ON - timedelta(days=20))
    assert convene(longer, today=HELD_ON - timedelta(days=30)).state is AssemblyState.CONVENED


def test_m11_an_assembly_has_an_agenda_and_a_place_or_a_link(settings: GovernanceSettings) -> None:
    with pytest.raises(InvalidInput):
        Venue(address=" ", link=None)
    with pytest.raises(InvalidInput):
        Assembly.convene(
            id=UUID(int=1),
            title="AGO",
            held_on=HELD_ON,
            starts_at=time(14),
            venue=Venue(address="Pessac"),
            agenda=[],
            today=date(2026, 5, 1),
            settings=settings,
        )
    assert Venue(link="https://visio.example/ago").remote
    assert not Venue(address="Pessac").remote


# --- eligibility -------------------------------------------------------------------------


def period(valid_until: date, grace_until: date | None, lapsed_on: date | None) -> MembershipPeriod:
    return MembershipPeriod(
        membership_id=UUID(int=7),
        siren=A,
        year=valid_until.year,
        plan="simple",
        valid_from=date(valid_until.year, 1, 1),
        valid_until=valid_until,
        grace_until=grace_until,
        training_organisation=False,
        lapsed_on=lapsed_on,
        reinstated_until=None,
    )


def test_m11_a_member_in_grace_on_the_day_is_eligible() -> None:
    day = date(2026, 2, 10)
    in_grace = status_on(A, day, [period(date(2025, 12, 31), date(2026, 2, 15), None)])
    assert in_grace.in_grace
    roll = Electorate.of(day, [Voter.from_member_status(in_grace, name="Mission locale")])
    assert roll.is_eligible(A)
    assert roll.size == 1


def test_m11_a_structure_lapsed_on_the_day_is_not_eligible() -> None:
    day = date(2026, 2, 16)
    lapsed = status_on(A, day, [period(date(2025, 12, 31), date(2026, 2, 15), day)])
    roll = Electorate.of(day, [Voter.from_member_status(lapsed, name="Mission locale")])
    assert not roll.is_eligible(A)
    with pytest.raises(RuleViolated) as refused:
        roll.require_eligible(A)
    assert refused.value.code == "M11"
    assert roll.size == 0


def test_m11_a_beneficiary_votes_through_its_main_structure(
    assembly: Assembly, electorate: Electorate
) -> None:
    beneficiary = B + "00027"
    assert voter_of(beneficiary) == B
    assembly = assembly.sign_in(electorate, beneficiary, rep("Paul Martin"), DAY, by="staff-1")
    assert assembly.signature_of(B) is not None
    with pytest.raises(Conflict) as twice:
        assembly.sign_in(electorate, B, rep("Anne Roux"), DAY, by="staff-1")
    assert "one vote a structure" in twice.value.detail


def test_m11_one_vote_per_structure_on_the_roll() -> None:
    roll = Electorate.of(
        HELD_ON,
        [Voter(A, "Mission locale", False), Voter(A + "00019", "Antenne de Dax", True)],
    )
    assert roll.size == 1
    assert roll.is_eligible(A)
    with pytest.raises(InvalidInput):
        voter_of("12345")


# --- proxies -----------------------------------------------------------------------------


def test_m11_a_proxy_from_a_non_member_is_refused(
    assembly: Assembly, electorate: Electorate, settings: GovernanceSettings
) -> None:
    with pytest.raises(RuleViolated) as refused:
        assembly.give_proxy(electorate, LAPSED, A, BEFORE, settings)
    assert refused.value.code == "M11"
    assert "giver of a proxy" in refused.value.detail


def test_m11_a_proxy_to_a_non_member_is_refused(
    assembly: Assembly, electorate: Electorate, settings: GovernanceSettings
) -> None:
    with pytest.raises(RuleViolated, match="holder of a proxy"):
        assembly.give_proxy(electorate, A, LAPSED, BEFORE, settings)
    with pytest.raises(InvalidInput):
        assembly.give_proxy(electorate, A, A + "00019", BEFORE, settings)


def test_m11_a_member_holds_at_most_two_proxies(
    assembly: Assembly, electorate: Electorate, settings: GovernanceSettings
) -> None:
    assembly = assembly.give_proxy(electorate, A, D, BEFORE, settings)
    assembly = assembly.give_proxy(electorate, B, D, BEFORE, settings)
    assert len(assembly.proxies_held_by(D)) == 2
    with pytest.raises(RuleViolated) as refused:
        assembly.give_proxy(electorate, C, D, BEFORE, settings)
    assert refused.value.code == "M11"
    assert refused.value.extra == {"held": 2, "limit": 2}


def test_m11_the_proxy_limit_is_a_setting(assembly: Assembly, electorate: Electorate) -> None:
    three = GovernanceSettings(max_proxies_held=3)
    for giver in (A, B, C):
        assembly = assembly.give_proxy(electorate, giver, D, BEFORE, three)
    assert len(assembly.proxies_held_by(D)) == 3


def test_m11_a_new_proxy_replaces_the_one_given_before(
    assembly: Assembly, electorate: Electorate, settings: GovernanceSettings
) -> None:
    assembly = assembly.give_proxy(electorate, A, D, BEFORE, settings)
    same = assembly.give_proxy(electorate, A, D, BEFORE + timedelta(hours=1), settings)
    assert same == assembly
    assembly = assembly.give_proxy(electorate, A, E, BEFORE + timedelta(hours=2), settings)
    assert [(p.holder, p.status) for p in assembly.proxies] == [
        (D, ProxyStatus.WITHDRAWN),
        (E, ProxyStatus.ACTIVE),
    ]
    assert assembly.proxies_held_by(D) == ()


def test_m11_a_proxy_can_be_withdrawn_until_the_assembly_opens(
    assembly: Assembly, electorate: Electorate, settings: GovernanceSettings
) -> None:
    assembly = assembly.give_proxy(electorate, A, D, BEFORE, settings)
    withdrawn = assembly.withdraw_proxy(A, BEFORE + timedelta(days=1))
    assert withdrawn.proxy_given_by(A) is None
    assert withdrawn.proxies[0].status is ProxyStatus.WITHDRAWN
    with pytest.raises(NotFound):
        withdrawn.withdraw_proxy(A, BEFORE + timedelta(days=2))

    opened = signed(assembly, electorate, D).open(electorate, OPENING, settings)
    with pytest.raises(Conflict) as late:
        opened.withdraw_proxy(A, OPENING + timedelta(minutes=5))
    assert late.value.code == "M11"
    with pytest.raises(Conflict):
        opened.give_proxy(electorate, B, D, OPENING, settings)


def test_m11_announcing_attendance_cancels_the_proxy_given(
    assembly: Assembly, electorate: Electorate, settings: GovernanceSettings
) -> None:
    assembly = assembly.give_proxy(electorate, A, D, BEFORE, settings)
    assembly = assembly.announce_attendance(electorate, A, rep(), BEFORE + timedelta(days=2))
    assert assembly.proxy_given_by(A) is None
    assert assembly.proxies[0].status is ProxyStatus.CANCELLED_BY_ATTENDANCE
    assert assembly.attendance_of(A) is not None
    # giving a proxy again replaces the announced attendance: one answer a structure
    assembly = assembly.give_proxy(electorate, A, E, BEFORE + timedelta(days=3), settings)
    assert assembly.attendance_of(A) is None


def test_m11_signing_in_person_cancels_the_proxy_given(
    assembly: Assembly, electorate: Electorate, settings: GovernanceSettings
) -> None:
    assembly = assembly.give_proxy(electorate, A, D, BEFORE, settings)
    assembly = signed(assembly, electorate, A, D)
    assert assembly.proxy_given_by(A) is None
    assert assembly.proxies[0].status is ProxyStatus.CANCELLED_BY_ATTENDANCE
    with pytest.raises(Conflict, match="attends in person"):
        assembly.give_proxy(electorate, A, E, DAY, settings)
    quorum = assembly.quorum_now(electorate, settings.quorum_share)
    assert (quorum.present, quorum.represented) == (2, 0)


def test_m11_an_attending_holder_keeps_and_votes_its_proxies(
    assembly: Assembly, electorate: Electorate, settings: GovernanceSettings
) -> None:
    assembly = assembly.give_proxy(electorate, A, D, BEFORE, settings)
    assembly = assembly.give_proxy(electorate, B, D, BEFORE, settings)
    assembly = assembly.announce_attendance(electorate, D, rep(), BEFORE)
    assembly = signed(assembly, electorate, D)
    assert len(assembly.proxies_held_by(D)) == 2
    quorum = assembly.quorum_now(electorate, settings.quorum_share)
    assert (quorum.present, quorum.represented) == (1, 2)


def test_m11_no_proxy_chains(
    assembly: Assembly, electorate: Electorate, settings: GovernanceSettings
) -> None:
    assembly = assembly.give_proxy(electorate, A, D, BEFORE, settings)
    with pytest.raises(RuleViolated, match="gave its own proxy") as giver_cannot_hold:
        assembly.give_proxy(electorate, B, A, BEFORE, settings)
    assert giver_cannot_hold.value.extra == {"holder_gave_to": D}
    with pytest.raises(RuleViolated, match="holds the proxies of") as holder_cannot_give:
        assembly.give_proxy(electorate, D, E, BEFORE, settings)
    assert holder_cannot_give.value.extra == {"holds": [A]}
    # once A withdraws, D may give its own
    freed = assembly.withdraw_proxy(A, BEFORE).give_proxy(electorate, D, E, BEFORE, settings)
    assert freed.proxy_given_by(D) is not None
