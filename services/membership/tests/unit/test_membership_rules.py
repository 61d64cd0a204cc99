"""The membership rules M1–M11 on pure objects, each test named after its rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from membership.domain.applications import (
    ApplicationStatus,
    Kind,
    Texts,
    check_application_year,
    check_decidable,
    check_no_duplicate,
    check_reason,
    check_texts,
    kind_for,
    renewal_changes,
)
from membership.domain.campaign import calls_to_make, check_campaign_year
from membership.domain.identifiers import (
    department_of,
    ensure_eligible,
    ensure_establishment_of,
    parse_postal_code,
    parse_siren,
    parse_siret,
)
from membership.domain.plans import Plan, Tariff, check_upgrade, parse_plan
from membership.domain.qualiopi import check_certificate, parse_activity_declaration
from membership.domain.rights import Rights, qualiopi_valid, rights_for
from membership.domain.validity import (
    MembershipFacts,
    MembershipState,
    Status,
    activation_refusal,
    activation_start,
    check_lapse_day,
    grace_until,
    lapse_due,
    lapse_on_withdrawal,
    restored_by_renewal,
    status_at,
    status_kept_by_renewal,
    valid_until,
)
from shared.errors import Conflict, RuleViolated

LA_ROCHELLE = "17300"  # Charente-Maritime
LA_ROCHE_SUR_YON = "85191"  # Vendée
BORDEAUX = "33063"
PARIS = "75056"
TEXT = "Une structure d'accompagnement des jeunes vers l'emploi en Gironde depuis 1990."
TEXTS = Texts(TEXT, TEXT, TEXT)


def paid(
    year: int,
    on: date,
    *,
    plan: Plan = Plan.SIMPLE,
    kind: Kind = Kind.NEW,
    state: MembershipState = MembershipState.ACTIVE,
    submitted_on: date | None = None,
    lapse_reason: str | None = None,
) -> MembershipFacts:
    return MembershipFacts(
        year=year,
        plan=plan,
        kind=kind,
        state=state,
        submitted_on=submitted_on or on,
        valid_from=on,
        premium_from=on if plan is Plan.PREMIUM else None,
        lapse_reason=lapse_reason,  # type: ignore[arg-type]
    )


def renewal(year: int, submitted_on: date, *, paid_on: date | None = None) -> MembershipFacts:
    return MembershipFacts(
        year=year,
        plan=Plan.SIMPLE,
        kind=Kind.RENEWAL,
        state=MembershipState.ACTIVE if paid_on else MembershipState.AWAITING_PAYMENT,
        submitted_on=submitted_on,
        valid_from=paid_on,
    )


def rule_of(excinfo: pytest.ExceptionInfo[RuleViolated]) -> str:
    return excinfo.value.rule


# -- M1 eligibility ---------------------------------------------------------------------------


def test_m1_luhn_invalid_siren_refused() -> None:
    with pytest.raises(RuleViolated) as excinfo:
        parse_siren("732829321")
    assert rule_of(excinfo) == "M1"


@pytest.mark.parametrize("raw", ["12345678", "1234567890", "73282932A", ""])
def test_m1_malformed_siren_refused(raw: str) -> None:
    with pytest.raises(RuleViolated):
        parse_siren(raw)


def test_m1_valid_siren_accepted_and_compacted() -> None:
    assert parse_siren("732 829 320") == "732829320"


def test_m1_luhn_invalid_siret_refused() -> None:
    with pytest.raises(RuleViolated) as excinfo:
        parse_siret("73282932000075")
    assert rule_of(excinfo) == "M1"
    assert parse_siret("73282932000074") == "73282932000074"


def test_m1_la_poste_siret_exception_accepted() -> None:
    # La Poste's establishments: the digit sum is a multiple of 5, not a Luhn number.
    assert parse_siret("35600000000001") == "35600000000001"
    assert parse_siret("35600000000048") == "35600000000048"  # head office: Luhn
    with pytest.raises(RuleViolated):
        parse_siret("35600000000002")


def test_m1_charente_maritime_commune_accepted() -> None:
    ensure_eligible(LA_ROCHELLE)


def test_m1_vendee_commune_refused_naming_the_department() -> None:
    with pytest.raises(RuleViolated) as excinfo:
        ensure_eligible(LA_ROCHE_SUR_YON)
    assert rule_of(excinfo) == "M1"
    assert "85 (Vendée)" in excinfo.value.detail


def test_m1_applying_establishment_in_region_suffices() -> None:
    ensure_eligible(PARIS, BORDEAUX)
    with pytest.raises(RuleViolated) as excinfo:
        ensure_eligible(PARIS, LA_ROCHE_SUR_YON)
    assert "75 (Paris)" in excinfo.value.detail
    assert "85 (Vendée)" in excinfo.value.detail


def test_m1_corsica_and_overseas_departments() -> None:
    assert department_of("2A004") == "2A"
    assert department_of("2b033") == "2B"
    assert department_of("97411") == "974"
    with pytest.raises(RuleViolated) as excinfo:
        ensure_eligible("2A004")
    assert "2A (Corse-du-Sud)" in excinfo.value.detail
    with pytest.raises(RuleViolated) as excinfo:
        ensure_eligible("97411")
    assert "974 (La Réunion)" in excinfo.value.detail


@pytest.mark.parametrize("raw", ["3306", "330633", "2C004", "ABCDE", ""])
def test_m1_malformed_insee_code_refused(raw: str) -> None:
    with pytest.raises(RuleViolated) as excinfo:
        department_of(raw)
    assert rule_of(excinfo) == "M1"


def test_m1_postal_code_kept_but_not_deciding() -> None:
    assert parse_postal_code("17000") == "17000"
    with pytest.raises(RuleViolated):
        parse_postal_code("1700")
    # Decided on the INSEE code alone: a postal code is not even asked for.
    ensure_eligible(BORDEAUX)


# -- M2 plans ---------------------------------------------------------------------------------

TARIFF_2025 = Tariff(2025, Decimal("100.00"), Decimal("150.00"), Decimal("50.00"))


def test_m2_simple_100_premium_150() -> None:
    assert TARIFF_2025.dues(Plan.SIMPLE) == Decimal("100.00")
    assert TARIFF_2025.dues(Plan.PREMIUM) == Decimal("150.00")


def test_m2_unknown_plan_refused() -> None:
    with pytest.raises(RuleViolated) as excinfo:
        parse_plan("gold")
    assert rule_of(excinfo) == "M2"
    assert parse_plan("premium") is Plan.PREMIUM


@pytest.mark.parametrize(
    ("simple", "premium"),
    [("100.001", "150"), ("-1", "150"), ("150", "100"), ("NaN", "150")],
)
def test_m2_tariff_amounts_are_euros_and_cents(simple: str, premium: str) -> None:
    with pytest.raises(RuleViolated):
        Tariff(2025, Decimal(simple), Decimal(premium), Decimal("50"))


def test_m2_premium_gives_room_booking() -> None:
    on = date(2025, 6, 1)
    premium = status_at([paid(2025, date(2025, 2, 1), plan=Plan.PREMIUM)], on)
    simple = status_at([paid(2025, date(2025, 2, 1))], on)
    common = {"training_organisation": False, "qualiopi_valid_until": None, "on": on}
    assert rights_for(premium, **common).room_booking  # type: ignore[arg-type]
    assert not rights_for(simple, **common).room_booking  # type: ignore[arg-type]


# -- M3 validity ------------------------------------------------------------------------------


def test_m3_joined_20_november_ends_31_december() -> None:
    joined = date(2025, 11, 20)
    history = [paid(2025, joined)]
    on_last_day = status_at(history, date(2025, 12, 31))
    assert on_last_day.status is Status.ACTIVE
    assert on_last_day.valid_until == date(2025, 12, 31)
    assert status_at(history, date(2026, 1, 1)).status is Status.LAPSED
    assert valid_until(2025) == date(2025, 12, 31)


def test_m3_rights_start_on_payment() -> None:
    history = [paid(2025, date(2025, 11, 20), submitted_on=date(2025, 11, 1))]
    assert status_at(history, date(2025, 11, 19)).status is Status.PENDING
    assert status_at(history, date(2025, 10, 31)).status is Status.NONE
    assert activation_start(2026, date(2025, 12, 10)) == date(2026, 1, 1)


def test_m3_one_application_per_structure_and_year() -> None:
    with pytest.raises(Conflict) as excinfo:
        check_no_duplicate(2026, [ApplicationStatus.PENDING_REVIEW])
    assert rule_of(excinfo) == "M3"
    assert excinfo.value.status == 409
    with pytest.raises(Conflict):
        check_no_duplicate(2026, [ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN])
    check_no_duplicate(2026, [ApplicationStatus.REJECTED])


def test_m3_apply_for_the_current_year_only_outside_campaign() -> None:
    today = date(2026, 3, 10)
    check_application_year(2026, today, [])
    for year in (2025, 2028):
        with pytest.raises(RuleViolated) as excinfo:
            check_application_year(year, today, [2028])
        assert rule_of(excinfo) == "M3"


# -- M4 renewal grace -------------------------------------------------------------------------


def test_m4_renewing_member_active_on_15_february() -> None:
    history = [paid(2025, date(2025, 3, 1)), renewal(2026, date(2025, 12, 5))]
    status = status_at(history, date(2026, 2, 15))
    assert status.status is Status.GRACE
    assert status.has_member_status
    assert status.grace_until == grace_until(2025) == date(2026, 2, 15)


def test_m4_renewing_member_lapsed_on_16_february() -> None:
    history = [paid(2025, date(2025, 3, 1)), renewal(2026, date(2025, 12, 5))]
    assert status_at(history, date(2026, 2, 16)).status is Status.LAPSED


def test_m4_without_renewal_lapsed_on_1_january() -> None:
    history = [paid(2025, date(2025, 3, 1))]
    assert status_at(history, date(2025, 12, 31)).status is Status.ACTIVE
    assert status_at(history, date(2026, 1, 1)).status is Status.LAPSED


def test_m4_renewal_submitted_in_grace_window_restores_status() -> None:
    history = [paid(2025, date(2025, 3, 1)), renewal(2026, date(2026, 1, 20))]
    assert status_at(history, date(2026, 1, 19)).status is Status.LAPSED
    assert status_at(history, date(2026, 1, 20)).status is Status.GRACE
    assert status_at(history, date(2026, 2, 16)).status is Status.LAPSED


def test_m4_renewal_submitted_after_grace_is_pending() -> None:
    history = [paid(2025, date(2025, 3, 1)), renewal(2026, date(2026, 3, 2))]
    assert status_at(history, date(2026, 3, 2)).status is Status.PENDING


def test_m4_renewal_paid_in_grace_is_active_for_the_new_year() -> None:
    history = [
        paid(2025, date(2025, 3, 1)),
        renewal(2026, date(2025, 12, 5), paid_on=date(2026, 2, 10)),
    ]
    assert status_at(history, date(2026, 2, 9)).status is Status.GRACE
    active = status_at(history, date(2026, 2, 10))
    assert active.status is Status.ACTIVE
    assert active.valid_until == date(2026, 12, 31)


def test_m4_lapse_on_1_january_without_renewal() -> None:
    membership = paid(2025, date(2025, 3, 1))
    assert lapse_due(membership, None, date(2025, 12, 31)) is None
    lapse = lapse_due(membership, None, date(2026, 1, 1))
    assert lapse is not None
    assert lapse.lapsed_on == date(2026, 1, 1)
    assert lapse.reason == "not_renewed"
    caught_up = lapse_due(membership, None, date(2026, 1, 9))
    assert caught_up is not None
    assert caught_up.lapsed_on == date(2026, 1, 1)


def test_m4_lapse_on_16_february_with_renewal_unpaid() -> None:
    membership = paid(2025, date(2025, 3, 1))
    pending = renewal(2026, date(2025, 12, 5))
    assert lapse_due(membership, pending, date(2026, 1, 1)) is None
    assert lapse_due(membership, pending, date(2026, 2, 15)) is None
    lapse = lapse_due(membership, pending, date(2026, 2, 16))
    assert lapse is not None
    assert lapse.lapsed_on == date(2026, 2, 16)
    assert lapse.reason == "renewal_unpaid"
    renewed = renewal(2026, date(2025, 12, 5), paid_on=date(2026, 1, 5))
    assert lapse_due(membership, renewed, date(2026, 2, 16)) is None


def test_m4_lapse_is_decided_once() -> None:
    lapsed = paid(
        2025,
        date(2025, 3, 1),
        state=MembershipState.LAPSED,
        lapse_reason="not_renewed",
    )
    assert lapse_due(lapsed, None, date(2026, 1, 2)) is None


def test_m4_renewal_in_grace_window_restores_a_lapsed_membership() -> None:
    lapsed = paid(2025, date(2025, 3, 1), state=MembershipState.LAPSED, lapse_reason="not_renewed")
    assert restored_by_renewal(lapsed, date(2026, 2, 15))
    assert not restored_by_renewal(lapsed, date(2026, 2, 16))
    unpaid = paid(
        2025, date(2025, 3, 1), state=MembershipState.LAPSED, lapse_reason="renewal_unpaid"
    )
    assert not restored_by_renewal(unpaid, date(2026, 2, 10))


def test_m4_renewal_keeps_an_active_member_in_status_until_15_february() -> None:
    active = paid(2025, date(2025, 3, 1))
    assert status_kept_by_renewal(active, date(2025, 12, 1))
    assert status_kept_by_renewal(active, date(2026, 2, 15))
    assert not status_kept_by_renewal(active, date(2026, 2, 16))
    lapsed = paid(2025, date(2025, 3, 1), state=MembershipState.LAPSED, lapse_reason="not_renewed")
    assert not status_kept_by_renewal(lapsed, date(2026, 1, 20))  # reinstated instead
    assert not status_kept_by_renewal(renewal(2025, date(2025, 3, 1)), date(2025, 12, 1))


def test_m4_renewal_withdrawn_during_grace_ends_status() -> None:
    previous = paid(2025, date(2025, 3, 1))
    withdrawn = renewal(2026, date(2025, 12, 5))
    lapse = lapse_on_withdrawal(previous, withdrawn, date(2026, 1, 20))
    assert lapse is not None
    assert lapse.reason == "withdrawn"
    assert lapse.lapsed_on == date(2026, 1, 20)
    assert lapse_on_withdrawal(previous, withdrawn, date(2025, 12, 20)) is None
    withdrawn_state = MembershipFacts(
        2026, Plan.SIMPLE, Kind.RENEWAL, MembershipState.WITHDRAWN, date(2025, 12, 5)
    )
    assert status_at([previous, withdrawn_state], date(2026, 1, 20)).status is Status.LAPSED


# -- M5 new membership ------------------------------------------------------------------------


def test_m5_new_membership_needs_three_real_texts() -> None:
    with pytest.raises(RuleViolated) as excinfo:
        check_texts(Texts(TEXT, "Formation", None))
    assert rule_of(excinfo) == "M5"
    assert "activity" in excinfo.value.detail
    assert "motivations" in excinfo.value.detail
    assert excinfo.value.detail.endswith("too short: activity, motivations.")
    check_texts(TEXTS)


def test_m5_structure_never_member_applies_anew() -> None:
    assert kind_for(2026, []) is Kind.NEW
    assert kind_for(2026, [2023]) is Kind.NEW


def test_m5_rejection_says_why() -> None:
    with pytest.raises(RuleViolated) as excinfo:
        check_reason("  non ")
    assert rule_of(excinfo) == "M5"
    assert check_reason("  Activité hors du champ de l'agence. ") == (
        "Activité hors du champ de l'agence."
    )


def test_m5_decided_application_cannot_be_decided_again() -> None:
    check_decidable(ApplicationStatus.PENDING_REVIEW, Kind.NEW)
    with pytest.raises(Conflict) as excinfo:
        check_decidable(ApplicationStatus.APPROVED, Kind.NEW)
    assert rule_of(excinfo) == "M5"


def test_m5_pending_application_makes_status_pending() -> None:
    assert status_at([], date(2026, 3, 1), pending_review_years=[2026]).status is Status.PENDING
    assert status_at([], date(2026, 3, 1)).status is Status.NONE


# -- M6 renewal -------------------------------------------------------------------------------


def test_m6_member_of_previous_year_renews_without_review() -> None:
    assert kind_for(2026, [2025]) is Kind.RENEWAL
    with pytest.raises(Conflict) as excinfo:
        check_decidable(ApplicationStatus.PROCESSED, Kind.RENEWAL)
    assert rule_of(excinfo) == "M6"


def test_m6_renewal_summary_shows_plan_changes() -> None:
    assert renewal_changes("simple", False, "premium") == ["plan simple → premium"]
    assert renewal_changes("simple", True, "premium") == []
    assert renewal_changes("premium", True, "simple") == ["plan premium → simple"]
    assert renewal_changes("simple", False, "simple") == []


# -- M7 beneficiaries -------------------------------------------------------------------------


def test_m7_beneficiary_siret_of_another_siren_refused() -> None:
    with pytest.raises(RuleViolated) as excinfo:
        ensure_establishment_of("732829320", "55210055400013")
    assert rule_of(excinfo) == "M7"
    assert "552100554" in excinfo.value.detail


def test_m7_beneficiary_sharing_the_siren_accepted() -> None:
    ensure_establishment_of("732829320", "73282932000074")


# -- M8 call for dues -------------------------------------------------------------------------


def test_m8_one_call_per_main_structure_never_twice() -> None:
    assert calls_to_make(["111", "222", "111"], set()) == ["111", "222"]
    assert calls_to_make(["111", "222"], {"111", "222"}) == []
    assert calls_to_make(["111", "222", "333"], {"111"}) == ["222", "333"]


def test_m8_campaign_for_next_year() -> None:
    today = date(2025, 11, 15)
    check_campaign_year(2026, today)
    with pytest.raises(RuleViolated) as excinfo:
        check_campaign_year(2027, today)
    assert rule_of(excinfo) == "M8"


def test_m8_next_year_applications_open_with_the_campaign() -> None:
    today = date(2025, 11, 15)
    with pytest.raises(RuleViolated) as excinfo:
        check_application_year(2026, today, [])
    assert rule_of(excinfo) == "M8"
    check_application_year(2026, today, [2026])


# -- M9 training organisations ----------------------------------------------------------------


def test_m9_expired_qualiopi_counts_as_none() -> None:
    assert qualiopi_valid(date(2026, 5, 31), date(2026, 5, 31))
    assert not qualiopi_valid(date(2026, 5, 31), date(2026, 6, 1))
    assert not qualiopi_valid(None, date(2026, 6, 1))


def test_m9_lab_studio_for_training_organisation_with_valid_qualiopi() -> None:
    status = status_at([paid(2026, date(2026, 1, 10))], date(2026, 6, 1))

    def studio(training: bool, until: date | None) -> bool:
        return rights_for(
            status, training_organisation=training, qualiopi_valid_until=until, on=date(2026, 6, 1)
        ).lab_studio

    assert studio(True, date(2027, 1, 1))
    assert not studio(True, date(2026, 5, 31))
    assert not studio(False, date(2027, 1, 1))


def test_m9_only_a_training_organisation_records_qualiopi() -> None:
    with pytest.raises(RuleViolated) as excinfo:
        check_certificate(
            training_organisation=False,
            number="Q-2024-123",
            valid_until=date(2027, 1, 1),
            today=date(2026, 1, 1),
        )
    assert rule_of(excinfo) == "M9"
    assert (
        check_certificate(
            training_organisation=True,
            number=" Q-2024-123 ",
            valid_until=date(2027, 1, 1),
            today=date(2026, 1, 1),
        )
        == "Q-2024-123"
    )


def test_m9_activity_declaration_number_required() -> None:
    assert parse_activity_declaration("75 33 12345 33") == "75331234533"
    for raw in (None, "", "123"):
        with pytest.raises(RuleViolated):
            parse_activity_declaration(raw)


# -- M10 plan upgrade -------------------------------------------------------------------------


def test_m10_paid_simple_membership_upgrades_for_the_difference() -> None:
    check_upgrade(current=Plan.SIMPLE, target=Plan.PREMIUM, paid=True, upgrade_pending=False)
    assert TARIFF_2025.upgrade == Decimal("50.00")


def test_m10_no_downgrade_within_a_year() -> None:
    with pytest.raises(RuleViolated) as excinfo:
        check_upgrade(current=Plan.PREMIUM, target=Plan.SIMPLE, paid=True, upgrade_pending=False)
    assert rule_of(excinfo) == "M10"


def test_m10_unpaid_or_already_requested_upgrade_refused() -> None:
    with pytest.raises(RuleViolated):
        check_upgrade(current=Plan.SIMPLE, target=Plan.PREMIUM, paid=False, upgrade_pending=False)
    with pytest.raises(Conflict):
        check_upgrade(current=Plan.SIMPLE, target=Plan.PREMIUM, paid=True, upgrade_pending=True)
    with pytest.raises(Conflict):
        check_upgrade(current=Plan.PREMIUM, target=Plan.PREMIUM, paid=True, upgrade_pending=False)


def test_m10_premium_rights_start_on_payment() -> None:
    upgraded = MembershipFacts(
        2026,
        Plan.PREMIUM,
        Kind.NEW,
        MembershipState.ACTIVE,
        date(2026, 1, 5),
        valid_from=date(2026, 1, 10),
        premium_from=date(2026, 6, 1),
    )
    assert status_at([upgraded], date(2026, 5, 31)).plan is Plan.SIMPLE
    assert status_at([upgraded], date(2026, 6, 1)).plan is Plan.PREMIUM


def test_m10_upgrade_paid_after_the_year_end_activates_nothing() -> None:
    active = MembershipState.ACTIVE
    assert activation_refusal(2025, active, date(2025, 12, 31)) is None
    refusal = activation_refusal(2025, active, date(2026, 1, 5))
    assert refusal is not None
    assert "2025-12-31" in refusal


def test_m10_upgrade_paid_for_a_lapsed_membership_activates_nothing() -> None:
    assert activation_refusal(2025, MembershipState.LAPSED, date(2025, 12, 31)) is not None
    assert activation_refusal(2025, MembershipState.LAPSED, date(2026, 1, 20)) is not None


def test_m3_dues_paid_after_the_year_end_activate_nothing() -> None:
    waiting = MembershipState.AWAITING_PAYMENT
    assert activation_refusal(2025, waiting, date(2026, 1, 2)) is not None
    assert activation_refusal(2025, waiting, date(2025, 11, 20)) is None
    # Dues of next year paid during the campaign: rights start on 1 January (activation_start).
    assert activation_refusal(2026, waiting, date(2025, 12, 10)) is None


def test_m4_renewal_paid_in_the_grace_window_still_activates() -> None:
    # The renewal is next year's membership: paid by (or after) 15 February, it activates.
    waiting = MembershipState.AWAITING_PAYMENT
    assert activation_refusal(2026, waiting, date(2026, 2, 10)) is None
    assert activation_refusal(2026, waiting, date(2026, 3, 1)) is None


# -- M11 extranet -----------------------------------------------------------------------------


def test_m11_every_member_has_the_extranet_and_no_one_else() -> None:
    on = date(2026, 6, 1)
    member = status_at([paid(2026, date(2026, 1, 10))], on)
    lapsed = status_at([paid(2024, date(2024, 1, 10))], on)
    common = {"training_organisation": False, "qualiopi_valid_until": None, "on": on}
    rights = rights_for(member, **common)  # type: ignore[arg-type]
    assert rights.extranet
    assert rights.parcourspro
    assert rights.innovation_lab
    assert rights_for(lapsed, **common) == Rights()  # type: ignore[arg-type]


def test_m4_lapse_run_never_ahead_of_the_calendar() -> None:
    check_lapse_day(date(2026, 2, 16), date(2026, 2, 16))
    check_lapse_day(date(2026, 1, 1), date(2026, 2, 16))
    with pytest.raises(RuleViolated) as excinfo:
        check_lapse_day(date(2026, 2, 17), date(2026, 2, 16))
    assert rule_of(excinfo) == "M4"
