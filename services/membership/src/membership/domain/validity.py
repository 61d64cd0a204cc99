"""Validity of a membership (M3), the renewal grace (M4) and the status of a structure at a date.

The status is computed from the structure's memberships, one per year:

- ``active``: the membership of the date's year is paid (from its payment on);
- ``grace``: 1 January to 15 February, member of the year before with a renewal under way
  (submitted on or before the date, not yet paid) (M4);
- ``pending``: an application or an unpaid membership is under way, outside the grace;
- ``lapsed``: it was a member before and is no more (a renewal submitted before the end of the
  grace but still unpaid after it leaves the structure lapsed, M4);
- ``none``: never a member.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Literal

from membership.domain.applications import Kind
from membership.domain.plans import MIN_YEAR, Plan
from shared.errors import RuleViolated

LapseReason = Literal["not_renewed", "renewal_unpaid", "withdrawn"]


class MembershipState(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"
    ACTIVE = "active"  # paid; its status still follows the calendar (M3, M4)
    LAPSED = "lapsed"
    WITHDRAWN = "withdrawn"  # its dues invoice was cancelled before payment


class Status(StrEnum):
    NONE = "none"
    PENDING = "pending"
    ACTIVE = "active"
    GRACE = "grace"
    LAPSED = "lapsed"


def valid_until(year: int) -> date:
    """M3: whatever the date of joining, a membership ends on 31 December of its year."""
    return date(year, 12, 31)


def grace_until(year: int) -> date:
    """M4: last day of member status of year ``year`` while a renewal is under way."""
    return date(year + 1, 2, 15)


def activation_start(year: int, paid_on: date) -> date:
    """Rights start on payment, not before 1 January of the membership's year."""
    return max(date(year, 1, 1), paid_on)


def activation_refusal(year: int, state: MembershipState, paid_on: date) -> str | None:
    """Why a payment can no longer activate a membership of ``year`` or its upgrade, or None.

    M3: a membership is valid for its calendar year only, so dues or an upgrade (M10) paid after
    31 December of that year activate nothing; nor does a payment for a lapsed membership (M4).
    A renewal paid in the grace window is a membership of the new year: it still activates.
    """
    if state is MembershipState.LAPSED:
        return f"the {year} membership has lapsed"
    if paid_on > valid_until(year):
        return f"paid on {paid_on}, after the {year} membership ended on {valid_until(year)}"
    return None


@dataclass(frozen=True)
class MembershipFacts:
    """What the rules need to know of one membership."""

    year: int
    plan: Plan
    kind: Kind
    state: MembershipState
    submitted_on: date
    #: First day of rights: set once the dues invoice is paid.
    valid_from: date | None = None
    #: Premium rights from this day on (None: simple); an upgrade sets it to its payment day.
    premium_from: date | None = None
    lapse_reason: LapseReason | None = None
    key: str | None = None

    @property
    def paid(self) -> bool:
        return self.valid_from is not None

    def paid_by(self, on: date) -> bool:
        return self.valid_from is not None and self.valid_from <= on

    def plan_on(self, on: date) -> Plan:
        if self.premium_from is not None and self.premium_from <= on:
            return Plan.PREMIUM
        return Plan.SIMPLE


@dataclass(frozen=True)
class StatusAt:
    status: Status
    #: The membership that gives (or last gave) the status, if any.
    membership: MembershipFacts | None = None
    plan: Plan | None = None
    valid_until: date | None = None
    grace_until: date | None = None

    @property
    def has_member_status(self) -> bool:
        return self.status in (Status.ACTIVE, Status.GRACE)


def status_at(
    history: Sequence[MembershipFacts], on: date, *, pending_review_years: Collection[int] = ()
) -> StatusAt:
    """The structure's status on ``on`` (M3, M4); withdrawn memberships never counted."""
    by_year = {m.year: m for m in history if m.state is not MembershipState.WITHDRAWN}
    year = on.year
    current, previous = by_year.get(year), by_year.get(year - 1)

    if current is not None and current.paid_by(on):
        return StatusAt(Status.ACTIVE, current, current.plan_on(on), valid_until(year), None)
    renewal_under_way = (
        current is not None and current.kind is Kind.RENEWAL and current.submitted_on <= on
    )
    if previous is not None and previous.paid and renewal_under_way:
        if on <= grace_until(year - 1):
            return StatusAt(
                Status.GRACE,
                previous,
                previous.plan_on(on),
                valid_until(year - 1),
                grace_until(year - 1),
            )
        assert current is not None
        if current.submitted_on <= grace_until(year - 1):
            # M4: unpaid on 16 February, the membership lapsed.
            return StatusAt(Status.LAPSED, previous)
    for candidate in (current, by_year.get(year + 1)):
        if candidate is not None and candidate.submitted_on <= on and not candidate.paid_by(on):
            return StatusAt(Status.PENDING, candidate, candidate.plan)
    if year in pending_review_years or year + 1 in pending_review_years:
        return StatusAt(Status.PENDING)
    past = [m for m in by_year.values() if m.year < year and m.paid]
    if past:
        return StatusAt(Status.LAPSED, max(past, key=lambda m: m.year))
    return StatusAt(Status.NONE)


@dataclass(frozen=True)
class Lapse:
    #: First day without member status.
    lapsed_on: date
    reason: LapseReason


def lapse_due(
    membership: MembershipFacts, successor: MembershipFacts | None, on: date
) -> Lapse | None:
    """M4: must this paid membership, still marked active, lapse by ``on``?

    Without a renewal under way it lapses on 1 January of the next year; with one, on
    16 February unless the renewal is paid by then. Re-running for the same day decides the
    same, and a lapsed membership is not picked again: the scheduler is idempotent.
    """
    if not membership.paid or membership.state is not MembershipState.ACTIVE:
        return None
    end = valid_until(membership.year)
    if on <= end:
        return None
    if successor is not None and successor.state is not MembershipState.WITHDRAWN:
        if successor.paid:
            return None
        if on <= grace_until(membership.year):
            return None
        return Lapse(grace_until(membership.year) + timedelta(days=1), "renewal_unpaid")
    return Lapse(end + timedelta(days=1), "not_renewed")


def restored_by_renewal(previous: MembershipFacts, today: date) -> bool:
    """M4: a renewal submitted in the grace window restores status until 15 February."""
    return (
        previous.paid
        and previous.state is MembershipState.LAPSED
        and previous.lapse_reason == "not_renewed"
        and valid_until(previous.year) < today <= grace_until(previous.year)
    )


def status_kept_by_renewal(previous: MembershipFacts, today: date) -> bool:
    """M4: a renewal submitted by 15 February while the membership of the year before is still
    active keeps its member status until 15 February (training and booking are told)."""
    return (
        previous.paid
        and previous.state is MembershipState.ACTIVE
        and today <= grace_until(previous.year)
    )


def lapse_on_withdrawal(
    previous: MembershipFacts | None, withdrawn: MembershipFacts, on: date
) -> Lapse | None:
    """A renewal withdrawn during the grace ends the status it was keeping (reason withdrawn)."""
    if previous is None or withdrawn.kind is not Kind.RENEWAL:
        return None
    if not previous.paid or previous.state is not MembershipState.ACTIVE:
        return None
    if valid_until(previous.year) < on <= grace_until(previous.year):
        return Lapse(on, "withdrawn")
    return None


def check_lapse_day(on: date, today: date) -> None:
    """A lapse run (M4) is for today or a past day (a catch-up), never ahead of the calendar."""
    if on > today:
        raise RuleViolated("M4", f"A lapse run cannot be for a future day ({on} > {today}).")
    if on.year < MIN_YEAR:
        raise RuleViolated("M4", f"{on} is out of range.")
