"""Who takes part in a General Assembly (M11): one vote per member structure.

A structure eligible to vote is a member or in grace (M4) on the assembly's date. This module
does not decide that: membership's own status at that date (``status_at(...).has_member_status``)
or the shared projection's :class:`~shared.projections.member_status.MemberStatus` gives it, as
the ``member`` flag of a :class:`Voter`. Beneficiaries (M7) vote through their main structure:
a SIRET resolves to its SIREN, and a structure has one voice whatever its establishments.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from shared.errors import InvalidInput, RuleViolated
from shared.projections.member_status import MemberStatus

_SIREN = re.compile(r"^\d{9}$")
_SIRET = re.compile(r"^\d{14}$")


def voter_of(siren_or_siret: str) -> str:
    """The SIREN that votes for a structure or one of its establishments (M7)."""
    if _SIREN.match(siren_or_siret):
        return siren_or_siret
    if _SIRET.match(siren_or_siret):
        return siren_or_siret[:9]
    raise InvalidInput(f"{siren_or_siret!r} is neither a SIREN (9 digits) nor a SIRET (14 digits).")


@dataclass(frozen=True)
class Representative:
    """The person who speaks and signs for a structure."""

    name: str
    email: str | None = None
    #: Their position in the structure (``directrice``, ``président``...).
    position: str | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidInput("Name the person who represents the structure.")


@dataclass(frozen=True)
class Voter:
    """A structure of the roll: its main SIREN, its name, and membership's outcome for the day."""

    siren: str
    name: str
    #: Member (active or in grace) on the assembly's date, as membership decides it.
    member: bool
    #: Where the convocation goes: the main structure's contact.
    email: str | None = None

    @classmethod
    def from_member_status(
        cls, status: MemberStatus, *, name: str, email: str | None = None
    ) -> Voter:
        return cls(siren=status.siren, name=name, member=status.member, email=email)


@dataclass(frozen=True)
class Electorate:
    """The roll of an assembly's day: every structure known, eligible or not."""

    day: date
    _voters: Mapping[str, Voter] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def of(cls, day: date, voters: Iterable[Voter]) -> Electorate:
        """One entry a SIREN: a structure listed twice is eligible if any entry says so."""
        roll: dict[str, Voter] = {}
        for voter in voters:
            siren = voter_of(voter.siren)
            known = roll.get(siren)
            member = voter.member or (known is not None and known.member)
            email = voter.email or (known.email if known else None)
            roll[siren] = Voter(siren, voter.name, member, email)
        return cls(day, MappingProxyType(dict(sorted(roll.items()))))

    def voter(self, siren_or_siret: str) -> Voter | None:
        return self._voters.get(voter_of(siren_or_siret))

    def is_eligible(self, siren_or_siret: str) -> bool:
        voter = self.voter(siren_or_siret)
        return voter is not None and voter.member

    def require_eligible(self, siren_or_siret: str, *, acting_as: str = "a voter") -> Voter:
        """The voter, or the M11 refusal a person can act on."""
        voter = self.voter(siren_or_siret)
        if voter is None or not voter.member:
            siren = voter_of(siren_or_siret)
            raise RuleViolated(
                "M11",
                f"Structure {siren} is not a member (active or in grace) on {self.day}: only "
                f"members take part in the General Assembly, so it cannot act as {acting_as}.",
                siren=siren,
                day=self.day.isoformat(),
            )
        return voter

    @property
    def eligible(self) -> tuple[Voter, ...]:
        """The structures with a vote, by SIREN."""
        return tuple(v for v in self._voters.values() if v.member)

    @property
    def size(self) -> int:
        return len(self.eligible)
