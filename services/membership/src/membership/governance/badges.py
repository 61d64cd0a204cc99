"""The open badges the agency awards (M11): what earns one, once, and what revokes it.

Charter §4: open badges are made available to members to show their engagement. Three badges
(**decisions** on what earns each):

- *Member of the year* — chosen by the agency among the structures that are members on the
  day it is awarded, for the current or the previous year; one structure a year.
- *Took part in the General Assembly* — every structure present or represented at a closed
  assembly; once per structure and assembly.
- *Completed a ParcoursPro training* — to an employee, once training records them present at a
  session of a training (``training``) or a tutored self-training (``self_training``); the
  innovation lab's workshops are not trainings. Once per enrollment.

A badge is revoked when the agency withdraws it, or — for the badges of structures, which are
a member's entitlement — when the structure's membership lapses *for good* (**decision**): a
lapse for an unpaid renewal (16 February) or a withdrawn renewal is final at once; a lapse on
1 January for want of a renewal is not, since a renewal submitted by 15 February reinstates the
membership (M4), so it revokes the badges only once that window has passed without one
(:func:`lapse_is_final`). A lapse revokes the badges of what the structure did before it (their
activity's day, else the award's), never one earned after it joined again. A training badge is
the person's and stays. Revocation is final: a structure that becomes a member again may be
awarded a new badge (a new credential).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Literal
from uuid import UUID

from membership.domain.validity import LapseReason, grace_until
from membership.governance.assembly import Assembly, AssemblyState, Participation
from membership.governance.electorate import voter_of
from shared.errors import Conflict, InvalidInput, RuleViolated

TRAINING_ACTION_TYPES = frozenset({"training", "self_training"})


class BadgeKind(StrEnum):
    MEMBER_OF_THE_YEAR = "member_of_the_year"
    ASSEMBLY_PARTICIPATION = "assembly_participation"
    TRAINING_COMPLETED = "training_completed"

    @property
    def for_structures(self) -> bool:
        return self is not BadgeKind.TRAINING_COMPLETED


class RevocationReason(StrEnum):
    WITHDRAWN = "withdrawn"
    MEMBERSHIP_LAPSED = "membership_lapsed"


@dataclass(frozen=True)
class StructureRecipient:
    siren: str
    name: str


@dataclass(frozen=True)
class PersonRecipient:
    """An employee, known by the normalised e-mail training identifies people by (T2)."""

    email: str
    #: The structure they work for.
    siren: str

    def __post_init__(self) -> None:
        normalised = self.email.strip().lower()
        if "@" not in normalised:
            raise InvalidInput(f"{self.email!r} is not an e-mail address.")
        object.__setattr__(self, "email", normalised)


Recipient = StructureRecipient | PersonRecipient


@dataclass(frozen=True)
class Award:
    id: UUID
    kind: BadgeKind
    recipient: Recipient
    #: What it recognises: the year, the assembly's id, the enrollment's id.
    context: str
    awarded_at: datetime
    #: Its entry in the revocation status list.
    status_index: int
    #: The day of what it recognises: the assembly, the session's start.
    activity_on: date | None = None
    participation: Literal["present", "represented"] | None = None
    revoked_at: datetime | None = None
    revocation_reason: RevocationReason | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def siren(self) -> str:
        return self.recipient.siren

    @property
    def key(self) -> tuple[BadgeKind, str, str]:
        """One award of a kind per recipient and context."""
        who = (
            self.recipient.email
            if isinstance(self.recipient, PersonRecipient)
            else self.recipient.siren
        )
        return (self.kind, who, self.context)


def _second(moment: datetime) -> datetime:
    """Credentials carry dates to the second (``validFrom`` = the JWT's ``nbf``)."""
    return moment.replace(microsecond=0)


def _require_new(award: Award, existing: Iterable[Award]) -> Award:
    for other in existing:
        if not other.revoked and other.key == award.key:
            raise Conflict(
                f"This badge was already awarded on {other.awarded_at.date()} (award {other.id}).",
                rule="M11",
                award_id=str(other.id),
            )
    return award


def award_member_of_the_year(
    *,
    id: UUID,
    recipient: StructureRecipient,
    year: int,
    member: bool,
    existing: Iterable[Award],
    at: datetime,
    status_index: int,
) -> Award:
    """``member``: the structure's member status on the day of the award, from membership."""
    if year not in (at.year, at.year - 1):
        raise InvalidInput(f"Member of the year is awarded for {at.year} or {at.year - 1}.")
    if not member:
        raise RuleViolated(
            "M11",
            f"Member of the year goes to a member: structure {recipient.siren} has no member "
            f"status on {at.date()}.",
            siren=recipient.siren,
        )
    taken = next(
        (
            other
            for other in existing
            if other.kind is BadgeKind.MEMBER_OF_THE_YEAR
            and other.context == str(year)
            and not other.revoked
        ),
        None,
    )
    if taken is not None:
        raise Conflict(
            f"Member of the year {year} was awarded to {taken.siren} already.",
            rule="M11",
            award_id=str(taken.id),
        )
    return Award(id, BadgeKind.MEMBER_OF_THE_YEAR, recipient, str(year), _second(at), status_index)


def assembly_badges_due(assembly: Assembly, existing: Iterable[Award]) -> list[Participation]:
    """The participants of a closed assembly who have no badge for it yet."""
    if assembly.state is not AssemblyState.CLOSED:
        return []
    awarded = {
        a.siren
        for a in existing
        if a.kind is BadgeKind.ASSEMBLY_PARTICIPATION
        and a.context == str(assembly.id)
        and not a.revoked
    }
    return [p for p in assembly.participants() if p.siren not in awarded]


def award_assembly_participation(
    *,
    id: UUID,
    assembly: Assembly,
    siren: str,
    existing: Iterable[Award],
    at: datetime,
    status_index: int,
) -> Award:
    if assembly.state is not AssemblyState.CLOSED:
        raise Conflict(
            f"The assembly of {assembly.held_on} is {assembly.state}: its badges are awarded "
            "once it is closed.",
            rule="M11",
        )
    took_part = {p.siren: p for p in assembly.participants()}.get(voter_of(siren))
    if took_part is None:
        raise RuleViolated(
            "M11",
            f"Structure {voter_of(siren)} was neither present nor represented at the assembly of "
            f"{assembly.held_on}.",
            siren=voter_of(siren),
        )
    award = Award(
        id,
        BadgeKind.ASSEMBLY_PARTICIPATION,
        StructureRecipient(took_part.siren, took_part.structure_name),
        str(assembly.id),
        _second(at),
        status_index,
        activity_on=assembly.held_on,
        participation=took_part.how,
    )
    return _require_new(award, existing)


@dataclass(frozen=True)
class TrainingAttendance:
    """What training's ``AttendanceRecorded`` tells of one enrollment."""

    enrollment_id: UUID
    action_type: str
    siren: str
    participant_email: str
    session_starts_on: date
    attendance: Literal["present", "absent_justified", "absent_unjustified"]


def training_badge_due(attendance: TrainingAttendance) -> bool:
    return attendance.attendance == "present" and attendance.action_type in TRAINING_ACTION_TYPES


def award_training_completed(
    *,
    id: UUID,
    attendance: TrainingAttendance,
    existing: Iterable[Award],
    at: datetime,
    status_index: int,
) -> Award:
    if not training_badge_due(attendance):
        raise RuleViolated(
            "M11",
            "A ParcoursPro training badge follows a training or self-training attended: this "
            f"enrollment is a {attendance.action_type}, recorded {attendance.attendance}.",
            enrollment_id=str(attendance.enrollment_id),
        )
    award = Award(
        id,
        BadgeKind.TRAINING_COMPLETED,
        PersonRecipient(attendance.participant_email, attendance.siren),
        str(attendance.enrollment_id),
        _second(at),
        status_index,
        activity_on=attendance.session_starts_on,
    )
    return _require_new(award, existing)


def revoke(award: Award, reason: RevocationReason, at: datetime) -> Award:
    if award.revoked:
        raise Conflict(f"Badge {award.id} is already revoked.", rule="M11")
    return replace(award, revoked_at=_second(at), revocation_reason=reason)


def revoked_on_lapse(awards: Iterable[Award], siren: str, at: datetime) -> list[Award]:
    """The structure's badges its lapsed membership revokes (not its employees' training ones)."""
    return [
        revoke(a, RevocationReason.MEMBERSHIP_LAPSED, at)
        for a in awards
        if a.kind.for_structures and a.siren == siren and not a.revoked
    ]


def revoked_indexes(awards: Iterable[Award]) -> set[int]:
    """The bits to set in the status list."""
    return {a.status_index for a in awards if a.revoked}


#: Lapses that no renewal can undo (M4): an unpaid renewal, a withdrawn one.
FINAL_LAPSE_REASONS: frozenset[LapseReason] = frozenset({"renewal_unpaid", "withdrawn"})
#: A lapse for want of a renewal, undone by one submitted by 15 February (M4).
DEFERRED_LAPSE_REASON: LapseReason = "not_renewed"


def lapse_is_final(reason: LapseReason, membership_year: int, on: date) -> bool:
    """Whether the lapse of the membership of ``membership_year`` is final on ``on``: for good
    at once, or — not renewed — once the renewal grace of M4 has passed without a renewal."""
    if reason in FINAL_LAPSE_REASONS:
        return True
    return on > grace_until(membership_year)


def last_final_not_renewed_year(on: date) -> int:
    """The latest membership year whose lapse for want of a renewal is final on ``on``."""
    year = on.year - 1
    return year if lapse_is_final(DEFERRED_LAPSE_REASON, year, on) else year - 1
