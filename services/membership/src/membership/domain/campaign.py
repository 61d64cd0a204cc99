"""The renewal campaign (M8): one call for dues per main structure of the year's members."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date

from shared.errors import RuleViolated


def check_campaign_year(year: int, today: date) -> None:
    """A campaign calls the current year's members for next year (or late, for this year)."""
    if year not in (today.year, today.year + 1):
        raise RuleViolated(
            "M8",
            f"A renewal campaign is run for next year ({today.year + 1}) or, late, for the "
            f"current one ({today.year}); not for {year}.",
        )


def calls_to_make(member_sirens: Iterable[str], already_called: Collection[str]) -> list[str]:
    """SIRENs to call: main structures only (beneficiaries are never a SIREN of their own),
    each once however often the campaign runs."""
    return sorted({s for s in member_sirens if s not in already_called})
