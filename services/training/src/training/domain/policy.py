"""Yearly limits (T3) and the delays of T6 and T7: data per year, set by staff, never constants.

The charter's 2025 values are 4 counted actions of which at most 3 trainings, registration
closing 15 days before a session and a withdrawal counting when made less than 10 days before.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.errors import InvalidInput, RuleViolated
from training.domain.terms import ActionType

MIN_YEAR, MAX_YEAR = 2020, 2100


@dataclass(frozen=True)
class YearPolicy:
    """What one calendar year allows each employee (T3) and the delays of T6 and T7."""

    year: int
    max_actions: int = 4
    max_trainings: int = 3
    #: T6: pre-registration closes this many days before the session starts.
    registration_closes_days: int = 15
    #: T7: a withdrawal made less than this many days before the start still counts.
    late_withdrawal_days: int = 10

    def __post_init__(self) -> None:
        if not 1 <= self.max_actions <= 50:
            raise InvalidInput("The yearly number of actions must be between 1 and 50.")
        if not 0 <= self.max_trainings <= self.max_actions:
            raise InvalidInput(
                "The yearly number of trainings must be between 0 and the number of actions."
            )
        if not 0 <= self.registration_closes_days <= 365:
            raise InvalidInput("The registration deadline must be between 0 and 365 days.")
        if not 0 <= self.late_withdrawal_days <= 365:
            raise InvalidInput("The late-withdrawal delay must be between 0 and 365 days.")


@dataclass(frozen=True)
class YearCounts:
    """What already counts for one employee in one year (T3)."""

    actions: int = 0
    trainings: int = 0


def counts_toward_limit(action_type: ActionType) -> bool:
    """T3 decision: Lab de l'innovation workshops never count."""
    return action_type != "innovation_lab"


def quota_blocker(policy: YearPolicy, counts: YearCounts, action_type: ActionType) -> str | None:
    """Why one more ``action_type`` would break T3 for this employee, or None."""
    if not counts_toward_limit(action_type):
        return None
    if counts.actions >= policy.max_actions:
        return f"already {counts.actions} counted actions in {policy.year}, the yearly limit"
    if action_type == "training" and counts.trainings >= policy.max_trainings:
        return f"already {counts.trainings} trainings in {policy.year}, the yearly limit"
    return None


def check_quota(policy: YearPolicy, counts: YearCounts, action_type: ActionType) -> None:
    """T3: refuse the action that would go over the year's limits, with the current counts."""
    blocker = quota_blocker(policy, counts, action_type)
    if blocker is not None:
        raise RuleViolated(
            "T3",
            f"This employee has {blocker}: {policy.max_actions} counted actions a year, of "
            f"which at most {policy.max_trainings} trainings.",
            year=policy.year,
            counted_actions=counts.actions,
            counted_trainings=counts.trainings,
            max_actions=policy.max_actions,
            max_trainings=policy.max_trainings,
        )
