"""Training organisations and their Qualiopi certificate (M9)."""

from __future__ import annotations

import re
from datetime import date

from shared.errors import RuleViolated

_NDA = re.compile(r"^\d{11}$")


def parse_activity_declaration(raw: str | None) -> str:
    """The activity declaration number (NDA) of a training organisation: 11 digits."""
    value = (raw or "").replace(" ", "")
    if not _NDA.match(value):
        raise RuleViolated(
            "M9", "A training organisation gives its activity declaration number (11 digits)."
        )
    return value


def check_certificate(
    *, training_organisation: bool, number: str, valid_until: date, today: date
) -> str:
    if not training_organisation:
        raise RuleViolated(
            "M9", "Only a training organisation (with an activity declaration) records Qualiopi."
        )
    value = number.strip()
    if len(value) < 3:
        raise RuleViolated("M9", "The Qualiopi certificate number is missing.")
    if valid_until.year > today.year + 10 or valid_until.year < 2019:
        raise RuleViolated("M9", f"Expiry date {valid_until} is not plausible for Qualiopi.")
    return value
