"""T1: what an action and a session may be."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from shared.errors import RuleViolated
from training.domain.terms import ActionType

#: The departments of Nouvelle-Aquitaine (an in-person session takes place in one of them).
REGION_DEPARTMENTS = frozenset(
    {"16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"}
)
#: A session's dates span at most this many days (a training's days may be spread out).
MAX_SESSION_SPAN_DAYS = 62


@dataclass(frozen=True)
class ActionSpec:
    type: ActionType
    title: str
    remote: bool
    #: Days of a ``training`` (1 to 3); None for the other types.
    duration_days: int | None


def check_action(spec: ActionSpec) -> None:
    """T1: a training lasts 1 to 3 days; a self-training is followed on the e-parcourspro
    platform, hence remote (decision)."""
    if spec.type == "training":
        if spec.duration_days is None or not 1 <= spec.duration_days <= 3:
            raise RuleViolated("T1", "A training lasts 1 to 3 days: give its duration_days.")
    elif spec.duration_days is not None:
        raise RuleViolated("T1", "Only a training has a duration in days.")
    if spec.type == "self_training" and not spec.remote:
        raise RuleViolated("T1", "A self-training is followed remotely, on e-parcourspro.")


@dataclass(frozen=True)
class SessionSpec:
    starts_on: date
    ends_on: date
    capacity: int
    registration_opens_on: date
    place: str | None
    department: str | None


def check_session(action: ActionSpec, spec: SessionSpec, today: date) -> None:
    """T1: dates in order, in the future, a place in the region unless the action is remote."""
    if spec.ends_on < spec.starts_on:
        raise RuleViolated("T1", "A session cannot end before it starts.")
    if spec.ends_on - spec.starts_on > timedelta(days=MAX_SESSION_SPAN_DAYS):
        raise RuleViolated("T1", f"A session spans at most {MAX_SESSION_SPAN_DAYS} days.")
    if (
        action.duration_days is not None
        and (spec.ends_on - spec.starts_on).days + 1 < action.duration_days
    ):
        raise RuleViolated(
            "T1", f"This training lasts {action.duration_days} days: the session is shorter."
        )
    if spec.starts_on <= today:
        raise RuleViolated("T1", "A new session starts after today.")
    if spec.registration_opens_on >= spec.starts_on:
        raise RuleViolated("T1", "Registration must open before the session starts.")
    if not 1 <= spec.capacity <= 500:
        raise RuleViolated("T1", "A session has 1 to 500 places.")
    if action.remote:
        if spec.place is not None or spec.department is not None:
            raise RuleViolated("T1", "A remote session has no place.")
        return
    if not spec.place or spec.department not in REGION_DEPARTMENTS:
        raise RuleViolated(
            "T1",
            "An in-person session takes place in Nouvelle-Aquitaine: give its place and its "
            "department (16, 17, 19, 23, 24, 33, 40, 47, 64, 79, 86 or 87).",
        )
