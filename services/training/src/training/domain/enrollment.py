"""An enrollment's life after the request: withdrawal (T7), attendance (T7), cancellation (T8,
T9), and whether it counts toward the yearly limits (T3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.errors import Conflict
from training.domain.policy import YearPolicy, counts_toward_limit
from training.domain.terms import ActionType, Attendance, CancelReason, EnrollmentStatus


def counted_when_placed(action_type: ActionType) -> bool:
    """T3: a confirmed place counts (an innovation lab never does)."""
    return counts_toward_limit(action_type)


@dataclass(frozen=True)
class Ending:
    """How a place or waiting entry ends: the reason, and whether it still counts (T3)."""

    reason: CancelReason
    counted: bool


def withdrawal(
    status: EnrollmentStatus,
    action_type: ActionType,
    starts_on: date,
    today: date,
    policy: YearPolicy,
) -> Ending:
    """T7: a place withdrawn less than 10 days (the year's setting) before the start counts;
    a waiting entry never counts. Once the session has started, attendance is recorded."""
    if status not in ("confirmed", "waiting"):
        raise Conflict("This registration has already ended.", rule="conflict")
    if today >= starts_on:
        raise Conflict(
            "The session has started: staff record attendance instead of a withdrawal.",
            rule="T7",
        )
    late = (starts_on - today).days < policy.late_withdrawal_days
    if status == "waiting":
        return Ending("withdrawn_in_time", counted=False)
    if late:
        return Ending("withdrawn_late", counted=counts_toward_limit(action_type))
    return Ending("withdrawn_in_time", counted=False)


def cancellation(status: EnrollmentStatus, reason: CancelReason) -> Ending | None:
    """T8, T9: the agency's cancellation or a membership lapse ends a place or waiting entry
    without counting it; an ended entry is left as it is (None)."""
    if status not in ("confirmed", "waiting"):
        return None
    return Ending(reason, counted=False)


def attendance_counted(attendance: Attendance, action_type: ActionType) -> bool:
    """T7, T3: attended and unjustified absence count; a justified absence does not."""
    return attendance != "absent_justified" and counts_toward_limit(action_type)


def check_attendance(status: EnrollmentStatus, starts_on: date, today: date) -> None:
    """Attendance is recorded for a place, from the session's first day on."""
    if status != "confirmed":
        raise Conflict("Attendance is recorded only for a confirmed place.", rule="T7")
    if today < starts_on:
        raise Conflict("Attendance is recorded once the session has started.", rule="T7")


def why(
    status: EnrollmentStatus,
    attendance: Attendance | None,
    reason: CancelReason | None,
    action_type: ActionType,
) -> str:
    """In plain words, why an enrollment counts toward T3 or not (the per-employee view)."""
    if not counts_toward_limit(action_type):
        return "innovation lab workshops do not count"
    if status == "waiting":
        return "waiting-list entries do not count"
    if status == "confirmed":
        return {
            None: "a confirmed place counts",
            "present": "attended: counts",
            "absent_unjustified": "absent without justification: counts",
            "absent_justified": "absent with justification: does not count",
        }[attendance]
    return {
        None: "ended: does not count",
        "withdrawn_in_time": "withdrawn in time: does not count",
        "withdrawn_late": "withdrawn less than 10 days before the start: counts",
        "session_cancelled": "session cancelled by the agency: does not count",
        "membership_lapsed": "the structure's membership lapsed: does not count",
        "staff": "cancelled by the agency's staff: does not count",
    }[reason]
