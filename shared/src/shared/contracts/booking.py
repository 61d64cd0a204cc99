"""Events published by the room booking service."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import ClassVar, Literal
from uuid import UUID

from shared.contracts.base import Event, Money


class _BookingEvent(Event):
    producer: ClassVar[str] = "booking"

    booking_id: UUID
    siren: str
    resource_id: UUID
    resource_name: str
    booked_on: date
    starts_at: time
    ends_at: time


class RoomBooked(_BookingEvent):
    """A meeting room booked against the member's yearly credits (B2)."""

    event_type: ClassVar[str] = "RoomBooked"
    routing_stem: ClassVar[str] = "booking.room_booked"

    membership_year: int
    credits_left: int
    booked_at: datetime


class AuditoriumBooked(_BookingEvent):
    """An auditorium date, billed per date (B3): billing issues one invoice line per date."""

    event_type: ClassVar[str] = "AuditoriumBooked"
    routing_stem: ClassVar[str] = "booking.auditorium_booked"

    amount: Money
    booked_at: datetime


class StudioSlotBooked(_BookingEvent):
    """A Lab Studio slot of a training organisation's participant (B6)."""

    event_type: ClassVar[str] = "StudioSlotBooked"
    routing_stem: ClassVar[str] = "booking.studio_slot_booked"

    participant_email: str
    booked_at: datetime


class BookingCancelled(_BookingEvent):
    """A booking ended before its day; an auditorium date is credited (B3, B9)."""

    event_type: ClassVar[str] = "BookingCancelled"
    routing_stem: ClassVar[str] = "booking.cancelled"

    resource_kind: Literal["meeting_room", "auditorium", "lab_studio"]
    reason: Literal["member", "staff", "membership_lapsed"]
    #: Cancelled before its day (or by a lapse): the room credit or studio slot is given
    #: back, and an auditorium date is credited by billing.
    credit_returned: bool
    cancelled_at: datetime
    #: The auditorium date's price as ``AuditoriumBooked`` carried it (what billing credits);
    #: None for rooms and the studio.
    amount: Money | None = None
