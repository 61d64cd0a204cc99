"""Plans and their yearly tariff (M2), and the plan upgrade (M10)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from shared.errors import Conflict, RuleViolated

MIN_YEAR = 2000
MAX_YEAR = 2100


class Plan(StrEnum):
    SIMPLE = "simple"
    PREMIUM = "premium"


def parse_plan(raw: str) -> Plan:
    try:
        return Plan(raw)
    except ValueError:
        raise RuleViolated(
            "M2", f"Unknown plan {raw!r}: the plans are {', '.join(p.value for p in Plan)}."
        ) from None


def check_year(year: int, rule: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise RuleViolated(rule, f"Year {year} is out of range ({MIN_YEAR}–{MAX_YEAR}).")


@dataclass(frozen=True)
class Tariff:
    """The dues of one year: data, since the agency changes them every year."""

    year: int
    simple: Decimal
    premium: Decimal
    upgrade: Decimal

    def __post_init__(self) -> None:
        check_year(self.year, "M2")
        for name in ("simple", "premium", "upgrade"):
            value: Decimal = getattr(self, name)
            if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
                raise RuleViolated("M2", f"The {name} amount must be euros with 2 decimals, ≥ 0.")
        if self.premium < self.simple:
            raise RuleViolated(
                "M2", "Premium (simple + room booking) cannot cost less than simple."
            )

    def dues(self, plan: Plan) -> Decimal:
        return self.premium if plan is Plan.PREMIUM else self.simple


def check_upgrade(*, current: Plan, target: Plan, paid: bool, upgrade_pending: bool) -> None:
    """M10: simple → premium on a paid membership of the year; never a downgrade."""
    if target is current:
        raise Conflict(f"The membership is already {current.value}.", rule="M10")
    if target is Plan.SIMPLE:
        raise RuleViolated("M10", "No downgrade to simple during a membership year.")
    if not paid:
        raise RuleViolated(
            "M10", "Only a paid (active) membership of the year can be upgraded to premium."
        )
    if upgrade_pending:
        raise Conflict("An upgrade to premium is already awaiting payment.", rule="M10")
