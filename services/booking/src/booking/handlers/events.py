"""The events a booking's changes publish, with the row's version as the aggregate's."""

from __future__ import annotations

from typing import Any

from booking.domain.bookings import Booking
from booking.domain.resources import ResourceKind
from shared.contracts import AuditoriumBooked, BookingCancelled, RoomBooked, StudioSlotBooked
from shared.contracts.base import Event
from shared.messaging.outbox import AggregateRef, OutboxWriter


def _facts(booking: Booking) -> dict[str, Any]:
    return {
        "booking_id": booking.id,
        "siren": booking.siren,
        "resource_id": booking.resource_id,
        "resource_name": booking.resource_name,
        "booked_on": booking.day,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
    }


def booked(booking: Booking, credits_left: int | None) -> Event:
    facts = _facts(booking)
    if booking.resource_kind is ResourceKind.MEETING_ROOM:
        return RoomBooked(
            **facts,
            membership_year=booking.year,
            credits_left=credits_left or 0,
            booked_at=booking.created_at,
        )
    if booking.resource_kind is ResourceKind.AUDITORIUM:
        if booking.amount is None:
            raise ValueError("an auditorium booking carries its price")
        return AuditoriumBooked(**facts, amount=booking.amount, booked_at=booking.created_at)
    return StudioSlotBooked(
        **facts,
        participant_email=booking.participant_email or "",
        booked_at=booking.created_at,
    )


def cancelled(booking: Booking) -> BookingCancelled:
    if booking.cancelled_at is None or booking.cancel_reason is None:
        raise ValueError("a cancelled booking has its time and reason")
    return BookingCancelled(
        **_facts(booking),
        resource_kind=booking.resource_kind.value,
        reason=booking.cancel_reason.value,
        credit_returned=bool(booking.credit_returned),
        amount=booking.amount,
        cancelled_at=booking.cancelled_at,
    )


def publish(outbox: OutboxWriter, event: Event, booking: Booking) -> None:
    """``event`` about ``booking`` at the version its row has after this transaction's write."""
    outbox.add(event, AggregateRef.of(booking.id, booking.version))
