"""The quorum of a General Assembly (M11): a set share of the eligible members present or
represented.

Counted exactly (a :class:`~fractions.Fraction`, never a float): with 8 eligible members and a
share of 0.25, 2 present or represented reach it and 1 does not. The boundary belongs to the
quorum: a count exactly at the share reaches it. An assembly with no eligible member never
reaches it. A second convocation, held because the first did not reach it, deliberates whatever
the number (**decision**, the usual clause of associations' statutes): its quorum requires 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import ceil


@dataclass(frozen=True)
class Quorum:
    eligible: int
    present: int
    represented: int
    share: Decimal
    second_convocation: bool = False

    @property
    def counted(self) -> int:
        """Members present or represented."""
        return self.present + self.represented

    @property
    def required(self) -> int:
        """The smallest count that reaches the quorum."""
        if self.second_convocation:
            return 0
        return max(1, ceil(Fraction(self.share) * self.eligible))

    @property
    def reached(self) -> bool:
        """``counted >= share * eligible``, exactly: the same as reaching :attr:`required`."""
        return self.counted >= self.required
