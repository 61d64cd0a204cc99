"""Yearly quotas: five room bookings per structure (B2), three studio slots per participant
(B6); and what a cancellation gives back (B2, B3 decisions)."""

from __future__ import annotations

from datetime import date

from booking.domain.bookings import Booking
from booking.domain.policy import YearPolicy
from shared.errors import Conflict, RuleViolated


def check_room_credit(used: int, policy: YearPolicy) -> int:
    """B2: one credit per meeting-room booking; returns the credits left after this one."""
    if used >= policy.room_credits:
        raise RuleViolated(
            "B2",
            f"The structure has used its {policy.room_credits} meeting-room bookings of "
            f"{policy.year}; a booking cancelled before its day gives one back.",
            used=used,
            allowed=policy.room_credits,
        )
    return policy.room_credits - used - 1


def check_studio_slot(used: int, policy: YearPolicy, participant: str) -> None:
    """B6: up to ``studio_slots_per_participant`` Lab Studio slots per participant and year."""
    if used >= policy.studio_slots_per_participant:
        raise RuleViolated(
            "B6",
            f"{participant} already has {used} Lab Studio slots in {policy.year}: "
            f"{policy.studio_slots_per_participant} at most per participant.",
            used=used,
            allowed=policy.studio_slots_per_participant,
        )


def gives_back(booking: Booking, today: date) -> bool:
    """Cancelled before its day, a booking gives its credit, slot or price back."""
    return today < booking.day


def check_cancellable(booking: Booking, today: date) -> None:
    if not booking.active:
        raise Conflict("The booking is already cancelled.")
    if booking.day < today:
        raise Conflict("A booking whose day has passed cannot be cancelled.")
