"""The session aggregate: its places and waiting list, and the decisions on them (T2-T6, T10).

Pure: the use cases load what a decision needs under the session's lock (and the employee's
yearly lock), call these functions, then write what they decided.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from uuid import UUID

from shared.errors import Conflict, RuleViolated
from training.domain.policy import YearCounts, YearPolicy, check_quota, quota_blocker
from training.domain.terms import ActionType, WaitReason

#: T4: at most this many employees of one structure (SIREN, beneficiaries included) per session.
MAX_PER_STRUCTURE = 2


@dataclass(frozen=True)
class Session:
    """A session as its decisions see it: the SIREN of each place, and how many wait."""

    id: UUID
    action_id: UUID
    action_type: ActionType
    starts_on: date
    capacity: int
    registration_opens_on: date
    cancelled: bool = False
    places: tuple[str, ...] = ()
    waiting: int = 0
    #: The SIRENs of the waiting entries.
    waiting_sirens: frozenset[str] = frozenset()

    @property
    def free_places(self) -> int:
        return max(0, self.capacity - len(self.places))

    def places_of(self, siren: str) -> int:
        return sum(1 for s in self.places if s == siren)

    def may_promote(self) -> bool:
        """T5: a free place and a waiting entry T4 does not block: a promotion pass may give
        it (entries wait behind a free place only while a rule blocks them)."""
        return self.free_places > 0 and any(
            self.places_of(s) < MAX_PER_STRUCTURE for s in self.waiting_sirens
        )

    def with_place(self, siren: str) -> Session:
        return replace(self, places=(*self.places, siren))


@dataclass(frozen=True)
class Request:
    """A contact's pre-registration of one employee, with the facts the rules read."""

    siren: str
    #: T2: the structure is a member (or in grace) on the session's start date, and the
    #: establishment has its rights (M7).
    member_on_start: bool
    establishment_has_rights: bool
    #: T10: this person already holds a place or waits on a session of this action.
    already_on_action: bool
    counts: YearCounts = field(default_factory=YearCounts)
    by_staff: bool = False


@dataclass(frozen=True)
class Placement:
    """A place (``waiting_reason`` None) or a waiting entry at ``position`` (1 = next)."""

    waiting_reason: WaitReason | None = None
    position: int | None = None

    @property
    def confirmed(self) -> bool:
        return self.waiting_reason is None


def registration_deadline(starts_on: date, policy: YearPolicy) -> date:
    """T6: the last day a member may pre-register (start minus 15 days in 2025)."""
    return starts_on - timedelta(days=policy.registration_closes_days)


def check_window(session: Session, today: date, policy: YearPolicy, by_staff: bool) -> None:
    """T6 (and the opening date, T1): when a request may be made."""
    if session.cancelled:
        raise Conflict("This session was cancelled by the agency.", rule="T8")
    if today < session.registration_opens_on and not by_staff:
        raise RuleViolated(
            "T1",
            f"Registration for this session opens on {session.registration_opens_on}.",
            opens_on=session.registration_opens_on.isoformat(),
        )
    deadline = registration_deadline(session.starts_on, policy)
    if by_staff:
        if today > session.starts_on:
            raise RuleViolated("T6", "This session has started: no one can be registered now.")
        return
    if today > deadline:
        raise RuleViolated(
            "T6",
            f"Pre-registration closed on {deadline}, {policy.registration_closes_days} days "
            "before the session; the agency's staff may still register someone.",
            deadline=deadline.isoformat(),
        )


def decide(session: Session, request: Request, today: date, policy: YearPolicy) -> Placement:
    """A place, a waiting entry (full, or T4), or a refusal (T2, T3, T6, T10)."""
    check_admissible(session, request, today, policy)
    return place(session, request.siren, request.counts, policy)


def check_admissible(session: Session, request: Request, today: date, policy: YearPolicy) -> None:
    """What refuses a request before the employee's counts are read: T6, T2, T10."""
    check_window(session, today, policy, request.by_staff)
    if not request.member_on_start:
        raise RuleViolated(
            "T2",
            f"Structure {request.siren} is not a member on {session.starts_on}, the session's "
            "start: its employees cannot enrol.",
        )
    if not request.establishment_has_rights:
        raise RuleViolated(
            "T2", "This establishment is no longer a beneficiary of the member (M7)."
        )
    if request.already_on_action:
        raise Conflict(
            "This person is already registered (or waiting) for a session of this action: "
            "one session per action.",
            rule="T10",
        )


def place(session: Session, siren: str, counts: YearCounts, policy: YearPolicy) -> Placement:
    """T3 refuses; T4 or a full session puts the request on the waiting list; else a place."""
    check_quota(policy, counts, session.action_type)
    if session.places_of(siren) >= MAX_PER_STRUCTURE:
        return Placement("T4", session.waiting + 1)
    if session.free_places == 0:
        return Placement("full", session.waiting + 1)
    return Placement()


# -- T5: the waiting list --------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A waiting entry, in order, with what T2-T4 read at the moment of a promotion."""

    enrollment_id: UUID
    siren: str
    member_on_start: bool
    establishment_has_rights: bool
    #: The employee's counts in the session's year; None when not looked up (not needed:
    #: the entry is skipped for T2 or T4 before T3 is read).
    counts: YearCounts | None = None


def blocker(session: Session, candidate: Candidate, policy: YearPolicy) -> str | None:
    """The rule a waiting entry breaks now (``T2``, ``T4``, ``T3``), or None if eligible."""
    if not (candidate.member_on_start and candidate.establishment_has_rights):
        return "T2"
    if session.places_of(candidate.siren) >= MAX_PER_STRUCTURE:
        return "T4"
    if candidate.counts is None:
        return None
    if quota_blocker(policy, candidate.counts, session.action_type) is not None:
        return "T3"
    return None


def needs_counts(session: Session, candidates: Iterable[Candidate]) -> list[Candidate]:
    """The entries whose T3 counts a promotion must read: those T2 and T4 let through now.

    A promotion only adds places, so an entry T4 blocks at the start stays blocked.
    """
    return [
        c
        for c in candidates
        if c.member_on_start
        and c.establishment_has_rights
        and session.places_of(c.siren) < MAX_PER_STRUCTURE
    ]


@dataclass(frozen=True)
class Promotions:
    promoted: list[UUID] = field(default_factory=list)
    #: Entries skipped because a rule blocks them now; they stay on the list, in order.
    skipped: dict[UUID, str] = field(default_factory=dict)


def promote(session: Session, candidates: Sequence[Candidate], policy: YearPolicy) -> Promotions:
    """T5: each free place goes to the first waiting entry that still satisfies T2-T4."""
    result = Promotions()
    current = session
    if session.cancelled:
        return result
    for candidate in candidates:
        if current.free_places == 0:
            break
        reason = blocker(current, candidate, policy)
        if reason is not None:
            result.skipped[candidate.enrollment_id] = reason
            continue
        result.promoted.append(candidate.enrollment_id)
        current = current.with_place(candidate.siren)
    return result


def structures_over_limit(places: Iterable[str]) -> dict[str, int]:
    """SIRENs holding more places than T4 allows (an audit: always empty)."""
    return {s: n for s, n in Counter(places).items() if n > MAX_PER_STRUCTURE}
