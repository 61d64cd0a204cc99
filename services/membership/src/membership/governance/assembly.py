"""The Ordinary General Assembly (M11): convened → open → closed.

Members take part in person or by proxy (mandat) to another member. Decisions, where the
charter and the statutes' settings are silent:

- **Answers** are taken while the assembly is convened, until it opens: a structure attends
  (naming its representative) or gives its proxy to another eligible member. One answer a
  structure: a new one replaces the last (a proxy given to another holder replaces the first).
- **Attending cancels the proxy one gave**, whether announced or signed on the day.
- **No proxy chains**: a structure that gave its proxy cannot hold one, and a structure that
  holds proxies cannot give its own (it attends and votes them; its givers withdraw first).
- **Proxies held stay with their holder** when it attends: that is what they are for. A proxy
  counts only if its holder signs the attendance sheet: at the opening, a proxy whose holder is
  absent, or whose giver or holder is no longer eligible on the day, becomes void (its giver is
  then neither present nor represented). The roll of proxies is fixed at the opening.
- **Attendance** is signed by staff on the assembly's day (a connection, for a remote one),
  before the opening or after it (a late arrival). A late arrival whose proxy was counted
  cancels it from then on; the quorum recorded at the opening stays as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Literal
from uuid import UUID

from membership.governance.electorate import Electorate, Representative, voter_of
from membership.governance.quorum import Quorum
from membership.governance.settings import GovernanceSettings
from shared.errors import Conflict, InvalidInput, NotFound, RuleViolated


class AssemblyState(StrEnum):
    CONVENED = "convened"
    OPEN = "open"
    CLOSED = "closed"


class ProxyStatus(StrEnum):
    ACTIVE = "active"
    #: Withdrawn by its giver before the opening.
    WITHDRAWN = "withdrawn"
    #: Its giver attends in person.
    CANCELLED_BY_ATTENDANCE = "cancelled_by_attendance"
    #: At the opening: its holder is absent, or giver or holder is not eligible on the day.
    VOID = "void"


@dataclass(frozen=True)
class Venue:
    """Where the assembly is held: an address, a link to join remotely, or both."""

    address: str | None = None
    link: str | None = None

    def __post_init__(self) -> None:
        if not (self.address or "").strip() and not (self.link or "").strip():
            raise InvalidInput("Give the assembly's address, or the link to join it remotely.")

    @property
    def remote(self) -> bool:
        return bool(self.link)


@dataclass(frozen=True)
class AttendanceAnswer:
    siren: str
    structure_name: str
    representative: Representative
    answered_at: datetime


@dataclass(frozen=True)
class Proxy:
    giver: str
    giver_name: str
    holder: str
    holder_name: str
    given_at: datetime
    status: ProxyStatus = ProxyStatus.ACTIVE
    ended_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.status is ProxyStatus.ACTIVE


@dataclass(frozen=True)
class Signature:
    """A line of the attendance sheet."""

    siren: str
    structure_name: str
    representative: Representative
    signed_at: datetime
    #: The staff member who recorded it.
    signed_by: str


@dataclass(frozen=True)
class Participation:
    siren: str
    structure_name: str
    how: Literal["present", "represented"]
    #: For a represented structure: the SIREN of its proxy's holder.
    through: str | None = None


@dataclass(frozen=True)
class Assembly:
    id: UUID
    title: str
    held_on: date
    starts_at: time
    venue: Venue
    agenda: tuple[str, ...]
    convened_on: date
    documents: tuple[UUID, ...] = ()
    #: Held because the first convocation did not reach the quorum: no quorum needed.
    second_convocation: bool = False
    state: AssemblyState = AssemblyState.CONVENED
    attendances: tuple[AttendanceAnswer, ...] = ()
    #: Every proxy given, whatever became of it (the proxy list shows them all).
    proxies: tuple[Proxy, ...] = ()
    signatures: tuple[Signature, ...] = ()
    quorum: Quorum | None = None
    opened_at: datetime | None = None
    closed_at: datetime | None = None

    # --- convocation -------------------------------------------------------------------

    @classmethod
    def convene(
        cls,
        *,
        id: UUID,
        title: str,
        held_on: date,
        starts_at: time,
        venue: Venue,
        agenda: Iterable[str],
        today: date,
        settings: GovernanceSettings,
        documents: Iterable[UUID] = (),
        second_convocation: bool = False,
    ) -> Assembly:
        """M11: convened at least ``convocation_notice_days`` before the day it is held."""
        items = tuple(item.strip() for item in agenda)
        if not title.strip():
            raise InvalidInput("Give the assembly a title.")
        if not items or not all(items):
            raise InvalidInput("The agenda lists at least one item, none of them empty.")
        notice = (held_on - today).days
        if notice < settings.convocation_notice_days:
            earliest = today + timedelta(days=settings.convocation_notice_days)
            raise RuleViolated(
                "M11",
                f"A General Assembly is convened at least {settings.convocation_notice_days} "
                f"days before it is held: convened on {today} for {held_on}, that is {notice} "
                f"days. Hold it on {earliest} or later.",
                notice_days=notice,
                required_days=settings.convocation_notice_days,
            )
        return cls(
            id=id,
            title=title.strip(),
            held_on=held_on,
            starts_at=starts_at,
            venue=venue,
            agenda=items,
            convened_on=today,
            documents=tuple(dict.fromkeys(documents)),
            second_convocation=second_convocation,
        )

    def attach_document(self, document_id: UUID) -> Assembly:
        """The assembly's documents may be completed until it closes."""
        if self.state is AssemblyState.CLOSED:
            raise Conflict(f"The assembly of {self.held_on} is closed.", rule="M11")
        if document_id in self.documents:
            return self
        return replace(self, documents=(*self.documents, document_id))

    # --- reads ---------------------------------------------------------------------------

    def proxy_given_by(self, siren_or_siret: str) -> Proxy | None:
        giver = voter_of(siren_or_siret)
        return next((p for p in self.proxies if p.active and p.giver == giver), None)

    def proxies_held_by(self, siren_or_siret: str) -> tuple[Proxy, ...]:
        holder = voter_of(siren_or_siret)
        return tuple(p for p in self.proxies if p.active and p.holder == holder)

    def attendance_of(self, siren_or_siret: str) -> AttendanceAnswer | None:
        siren = voter_of(siren_or_siret)
        return next((a for a in self.attendances if a.siren == siren), None)

    def signature_of(self, siren_or_siret: str) -> Signature | None:
        siren = voter_of(siren_or_siret)
        return next((s for s in self.signatures if s.siren == siren), None)

    # --- answers (until the opening) -------------------------------------------------------

    def announce_attendance(
        self,
        electorate: Electorate,
        siren_or_siret: str,
        representative: Representative,
        at: datetime,
    ) -> Assembly:
        """The structure will attend: this cancels the proxy it gave."""
        self._require_answers_open("announce attendance")
        voter = electorate.require_eligible(siren_or_siret, acting_as="an attendee")
        answer = AttendanceAnswer(voter.siren, voter.name, representative, at)
        others = tuple(a for a in self.attendances if a.siren != voter.siren)
        return replace(
            self,
            attendances=tuple(sorted((*others, answer), key=lambda a: a.siren)),
            proxies=self._end_proxy_of(voter.siren, ProxyStatus.CANCELLED_BY_ATTENDANCE, at),
        )

    def give_proxy(
        self,
        electorate: Electorate,
        giver: str,
        holder: str,
        at: datetime,
        settings: GovernanceSettings,
    ) -> Assembly:
        """M11: a proxy to another eligible member, who holds at most ``max_proxies_held``."""
        self._require_answers_open("give a proxy")
        giving = electorate.require_eligible(giver, acting_as="the giver of a proxy")
        holding = electorate.require_eligible(holder, acting_as="the holder of a proxy")
        if giving.siren == holding.siren:
            raise InvalidInput("A structure gives its proxy to another member, not to itself.")
        current = self.proxy_given_by(giving.siren)
        if current is not None and current.holder == holding.siren:
            return self
        if self.signature_of(giving.siren) is not None:
            raise Conflict(
                f"Structure {giving.siren} signed the attendance sheet: it attends in person.",
                rule="M11",
            )
        held = self.proxies_held_by(giving.siren)
        if held:
            givers = ", ".join(p.giver for p in held)
            raise RuleViolated(
                "M11",
                f"Structure {giving.siren} holds the proxies of {givers}: a holder attends to "
                "vote them and cannot give its own (no proxy chains). They withdraw them first.",
                holds=[p.giver for p in held],
            )
        onward = self.proxy_given_by(holding.siren)
        if onward is not None:
            raise RuleViolated(
                "M11",
                f"Structure {holding.siren} gave its own proxy to {onward.holder}: a structure "
                "that gives its proxy cannot hold one (no proxy chains). Choose another member.",
                holder_gave_to=onward.holder,
            )
        already = self.proxies_held_by(holding.siren)
        if len(already) >= settings.max_proxies_held:
            raise RuleViolated(
                "M11",
                f"Structure {holding.siren} already holds {len(already)} proxies, the most a "
                f"member may hold ({settings.max_proxies_held}). Choose another member.",
                held=len(already),
                limit=settings.max_proxies_held,
            )
        proxy = Proxy(giving.siren, giving.name, holding.siren, holding.name, at)
        return replace(
            self,
            attendances=tuple(a for a in self.attendances if a.siren != giving.siren),
            proxies=(*self._end_proxy_of(giving.siren, ProxyStatus.WITHDRAWN, at), proxy),
        )

    def withdraw_proxy(self, giver: str, at: datetime) -> Assembly:
        """M11: a proxy can be withdrawn until the assembly opens."""
        self._require_answers_open("withdraw a proxy")
        siren = voter_of(giver)
        if self.proxy_given_by(siren) is None:
            raise NotFound("Proxy given by", siren)
        return replace(self, proxies=self._end_proxy_of(siren, ProxyStatus.WITHDRAWN, at))

    # --- the day ---------------------------------------------------------------------------

    def sign_in(
        self,
        electorate: Electorate,
        siren_or_siret: str,
        representative: Representative,
        at: datetime,
        *,
        by: str,
    ) -> Assembly:
        """Staff record a structure present on the day: this cancels the proxy it gave."""
        if self.state is AssemblyState.CLOSED:
            raise Conflict(f"The assembly of {self.held_on} is closed.", rule="M11")
        self._require_the_day(at, "sign the attendance sheet")
        voter = electorate.require_eligible(siren_or_siret, acting_as="an attendee")
        signed = self.signature_of(voter.siren)
        if signed is not None:
            raise Conflict(
                f"Structure {voter.siren} already signed, represented by "
                f"{signed.representative.name}: one vote a structure.",
                rule="M11",
            )
        signature = Signature(voter.siren, voter.name, representative, at, by)
        return replace(
            self,
            signatures=tuple(sorted((*self.signatures, signature), key=lambda s: s.siren)),
            proxies=self._end_proxy_of(voter.siren, ProxyStatus.CANCELLED_BY_ATTENDANCE, at),
        )

    def quorum_now(self, electorate: Electorate, share: Decimal) -> Quorum:
        """The quorum as it stands: signed members, and the proxies their holders would vote."""
        present = sum(1 for s in self.signatures if electorate.is_eligible(s.siren))
        represented = sum(1 for p in self.proxies if self._counts(p, electorate))
        return Quorum(electorate.size, present, represented, share, self.second_convocation)

    def open(self, electorate: Electorate, at: datetime, settings: GovernanceSettings) -> Assembly:
        """Records the quorum and fixes the roll of proxies: those that cannot count are void."""
        if self.state is not AssemblyState.CONVENED:
            raise Conflict(f"The assembly of {self.held_on} is already {self.state}.", rule="M11")
        self._require_the_day(at, "open it")
        if electorate.day != self.held_on:
            raise ValueError(f"the roll of {electorate.day} is not the assembly's day")
        quorum = self.quorum_now(electorate, settings.quorum_share)
        proxies = tuple(
            p
            if not p.active or self._counts(p, electorate)
            else replace(p, status=ProxyStatus.VOID, ended_at=at)
            for p in self.proxies
        )
        return replace(self, state=AssemblyState.OPEN, proxies=proxies, quorum=quorum, opened_at=at)

    def close(self, at: datetime) -> Assembly:
        if self.state is not AssemblyState.OPEN:
            raise Conflict(
                f"Only an open assembly closes; the assembly of {self.held_on} is {self.state}.",
                rule="M11",
            )
        assert self.opened_at is not None
        if at < self.opened_at:
            raise InvalidInput("An assembly closes after it opened.")
        return replace(self, state=AssemblyState.CLOSED, closed_at=at)

    def participants(self) -> tuple[Participation, ...]:
        """Who took part, present or represented (once the assembly has opened)."""
        if self.state is AssemblyState.CONVENED:
            return ()
        present = [Participation(s.siren, s.structure_name, "present") for s in self.signatures]
        represented = [
            Participation(p.giver, p.giver_name, "represented", p.holder)
            for p in self.proxies
            if p.active
        ]
        return tuple(sorted((*present, *represented), key=lambda p: p.siren))

    # --- helpers ---------------------------------------------------------------------------

    def _counts(self, proxy: Proxy, electorate: Electorate) -> bool:
        return (
            proxy.active
            and electorate.is_eligible(proxy.giver)
            and electorate.is_eligible(proxy.holder)
            and self.signature_of(proxy.holder) is not None
            and self.signature_of(proxy.giver) is None
        )

    def _end_proxy_of(self, giver: str, status: ProxyStatus, at: datetime) -> tuple[Proxy, ...]:
        return tuple(
            replace(p, status=status, ended_at=at) if p.active and p.giver == giver else p
            for p in self.proxies
        )

    def _require_answers_open(self, action: str) -> None:
        if self.state is not AssemblyState.CONVENED:
            raise Conflict(
                f"The assembly of {self.held_on} is {self.state}: answers are taken until it "
                f"opens, so you can no longer {action}.",
                rule="M11",
            )

    def _require_the_day(self, at: datetime, action: str) -> None:
        if at.date() != self.held_on:
            raise Conflict(
                f"The assembly is held on {self.held_on}: staff {action} on that day, not on "
                f"{at.date()}.",
                rule="M11",
            )
