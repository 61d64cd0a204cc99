"""Member status on a day, from the dates membership's events carry (T2, B2, M4, M9)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from uuid import uuid4

from shared.projections.member_status import MembershipPeriod, status_on

SIREN = "552100554"


def period(
    year: int = 2026,
    plan: str = "simple",
    *,
    lapsed_on: date | None = None,
    reinstated_until: date | None = None,
    grace: bool = True,
    activated: bool = True,
) -> MembershipPeriod:
    return MembershipPeriod(
        membership_id=uuid4(),
        siren=SIREN,
        year=year,
        plan=plan if activated else None,
        valid_from=date(year, 3, 1) if activated else None,
        valid_until=date(year, 12, 31) if activated else None,
        grace_until=date(year + 1, 2, 15) if grace and activated else None,
        training_organisation=False,
        lapsed_on=lapsed_on,
        reinstated_until=reinstated_until,
    )


def test_m3_member_from_valid_from_to_the_end_of_its_year() -> None:
    p = [period(grace=False)]
    assert not status_on(SIREN, date(2026, 2, 28), p).member
    assert status_on(SIREN, date(2026, 3, 1), p).member
    assert status_on(SIREN, date(2026, 12, 31), p).member
    assert not status_on(SIREN, date(2027, 1, 1), p).member


def test_m4_grace_until_15_february_unless_a_lapse_came_first() -> None:
    in_grace = status_on(SIREN, date(2027, 2, 15), [period()])
    assert in_grace.member
    assert in_grace.in_grace
    assert in_grace.until == date(2027, 2, 15)
    assert not status_on(SIREN, date(2027, 2, 16), [period()]).member
    lapsed = [period(lapsed_on=date(2027, 1, 1))]
    assert status_on(SIREN, date(2026, 12, 31), lapsed).member
    assert status_on(SIREN, date(2026, 12, 31), lapsed).until == date(2026, 12, 31)
    assert not status_on(SIREN, date(2027, 1, 1), lapsed).member


def test_m4_a_reinstated_member_is_back_until_the_grace_it_was_given() -> None:
    back = [period(grace=False, reinstated_until=date(2027, 2, 15))]
    assert status_on(SIREN, date(2027, 2, 1), back).member
    assert status_on(SIREN, date(2027, 2, 1), back).in_grace


def test_a_membership_known_only_from_its_lapse_gives_no_rights() -> None:
    assert not status_on(SIREN, date(2026, 6, 1), [period(activated=False)]).member


def test_m4_the_grace_keeps_the_plan_of_the_year_before_until_the_renewal_is_paid() -> None:
    renewed = replace(period(2027, "simple"), valid_from=date(2027, 1, 5))
    in_grace = status_on(SIREN, date(2027, 1, 4), [period(2026, "premium"), renewed])
    assert in_grace.premium
    assert in_grace.in_grace
    # Paid on 5 January: the 2027 membership covers the day outright, with its own plan, as
    # membership's /rights says (B2: a simple member books no room).
    both = status_on(SIREN, date(2027, 1, 10), [period(2026, "premium"), renewed])
    assert not both.premium
    assert not both.in_grace


def test_premium_if_a_membership_of_the_day_is_premium() -> None:
    upgraded = replace(period(2026, "premium"), valid_from=date(2026, 6, 1))
    assert status_on(SIREN, date(2026, 6, 10), [period(2026, "simple"), upgraded]).premium


def test_m9_an_expired_qualiopi_certificate_counts_as_none() -> None:
    p = [period()]
    assert status_on(SIREN, date(2026, 6, 30), p, date(2026, 6, 30)).qualiopi_valid()
    assert not status_on(SIREN, date(2026, 7, 1), p, date(2026, 6, 30)).qualiopi_valid()
