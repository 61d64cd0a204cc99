"""Member status on a day, read from the facts membership's events carry (pure, no I/O).

Membership decides validity (M3), grace (M4) and lapse; its events carry the outcome as dates:
``valid_from``/``valid_until`` and ``grace_until`` (MembershipActivated), ``lapsed_on`` (first
day without status, MembershipLapsed) and the grace a late renewal restores
(MembershipReinstated). This module only reads those dates; it re-decides no rule: a period
covers a day from ``valid_from`` to the last of its end dates, unless a lapse came before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from uuid import UUID


@dataclass(frozen=True)
class MembershipPeriod:
    """What the projection knows of one membership (one structure, one year)."""

    membership_id: UUID
    siren: str
    year: int
    plan: str | None
    valid_from: date | None
    valid_until: date | None
    grace_until: date | None
    training_organisation: bool
    lapsed_on: date | None
    reinstated_until: date | None

    @property
    def last_day(self) -> date | None:
        """The last day of status the events announce, before any lapse."""
        if self.valid_until is None:
            return None
        return max(d for d in (self.valid_until, self.grace_until, self.reinstated_until) if d)

    def covers(self, day: date) -> bool:
        if self.valid_from is None or self.last_day is None:
            return False  # not activated (yet): no rights from it
        if self.lapsed_on is not None and day >= self.lapsed_on:
            return False
        return self.valid_from <= day <= self.last_day

    def status_until(self) -> date | None:
        last = self.last_day
        if last is None or self.lapsed_on is None:
            return last
        return min(last, date.fromordinal(self.lapsed_on.toordinal() - 1))


@dataclass(frozen=True)
class MemberStatus:
    """A structure's status on ``day``: member or not, with what the rights depend on."""

    siren: str
    day: date
    member: bool
    plan: str | None = None
    #: Member only through the renewal grace (M4): after ``valid_until`` of its year.
    in_grace: bool = False
    #: The last day of status known today (grace included).
    until: date | None = None
    training_organisation: bool = False
    qualiopi_valid_until: date | None = None

    @property
    def premium(self) -> bool:
        return self.member and self.plan == "premium"

    def qualiopi_valid(self) -> bool:
        """M9: an expired certificate counts as none."""
        return self.qualiopi_valid_until is not None and self.qualiopi_valid_until >= self.day


def status_on(
    siren: str,
    day: date,
    periods: Iterable[MembershipPeriod],
    qualiopi_valid_until: date | None = None,
) -> MemberStatus:
    covering = [p for p in periods if p.covers(day)]
    # M4: the grace of the year before keeps a status while the renewal is unpaid; once the
    # day's own membership holds, it alone gives the plan (a renewal may change it).
    own = [p for p in covering if p.valid_until is not None and day <= p.valid_until]
    covering = own or covering
    if not covering:
        return MemberStatus(siren, day, member=False, qualiopi_valid_until=qualiopi_valid_until)
    plans = {p.plan for p in covering}
    ends = [u for p in covering if (u := p.status_until()) is not None]
    return MemberStatus(
        siren,
        day,
        member=True,
        plan="premium" if "premium" in plans else "simple",
        in_grace=all(p.valid_until is not None and day > p.valid_until for p in covering),
        until=max(ends) if ends else None,
        training_organisation=any(p.training_organisation for p in covering),
        qualiopi_valid_until=qualiopi_valid_until,
    )
