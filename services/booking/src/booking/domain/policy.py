"""The booking terms of a year: data, since the agency changes them every year (B2, B3, B4, B6)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from shared.errors import RuleViolated

MIN_YEAR = 2020
MAX_YEAR = 2100


@dataclass(frozen=True)
class YearPolicy:
    year: int
    #: B2: meeting-room bookings per membership year (5 in 2025 and 2026).
    room_credits: int
    #: B3: the price of one auditorium date (250 € in 2025 and 2026).
    auditorium_price: Decimal
    #: B6: Lab Studio slots per participant and year (3).
    studio_slots_per_participant: int
    #: B4: that many consecutive weeks with the same slot make a recurring activity (3).
    pattern_weeks: int

    def __post_init__(self) -> None:
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise RuleViolated("B2", f"A year is between {MIN_YEAR} and {MAX_YEAR}.")
        if not 0 <= self.room_credits <= 100:
            raise RuleViolated("B2", "Room credits are between 0 and 100 a year.")
        price = self.auditorium_price
        if not price.is_finite() or price < 0 or price != price.quantize(Decimal("0.01")):
            raise RuleViolated("B3", "The auditorium price is in euros with 2 decimals, ≥ 0.")
        if not 0 <= self.studio_slots_per_participant <= 100:
            raise RuleViolated("B6", "Studio slots per participant are between 0 and 100.")
        if not 2 <= self.pattern_weeks <= 52:
            raise RuleViolated("B4", "A weekly pattern is between 2 and 52 consecutive weeks.")


def require_policy(policy: YearPolicy | None, year: int, rule: str) -> YearPolicy:
    """Bookings for a year open once its terms are set: no price or quota is guessed."""
    if policy is None:
        raise RuleViolated(
            rule,
            f"Bookings for {year} are not open yet: the agency has not set that year's terms.",
            year=year,
        )
    return policy
