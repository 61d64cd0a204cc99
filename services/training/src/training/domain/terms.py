"""The words of the training domain."""

from __future__ import annotations

from typing import Literal

from shared.contracts.training import ActionType

__all__ = ["ActionType", "Attendance", "CancelReason", "EnrollmentStatus", "WaitReason"]

#: ``confirmed``: a place; ``waiting``: on the waiting list; the others are ended.
EnrollmentStatus = Literal["confirmed", "waiting", "withdrawn", "cancelled"]
Attendance = Literal["present", "absent_justified", "absent_unjustified"]
CancelReason = Literal[
    "withdrawn_in_time", "withdrawn_late", "session_cancelled", "membership_lapsed", "staff"
]
#: Why a request went on the waiting list: the session is full, or T4.
WaitReason = Literal["full", "T4"]

ACTIVE_STATUSES: tuple[EnrollmentStatus, ...] = ("confirmed", "waiting")
