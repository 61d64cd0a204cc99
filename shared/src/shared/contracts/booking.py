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
    """A meeting room booked against the member's yearly credits (B2): ``credits_left`` in
    ``membership_year`` (the calendar year of ``booked_on``). Not invoiced. Times are the
    Pessac site's wall-clock time (Europe/Paris)."""

    event_type: ClassVar[str] = "RoomBooked"
    routing_stem: ClassVar[str] = "booking.room_booked"

    membership_year: int
    credits_left: int
    booked_at: datetime


class AuditoriumBooked(_BookingEvent):
    """An auditorium date, billed per date (B3): billing issues one invoice line to the main
    structure ``siren`` for ``amount`` (the auditorium price of ``booked_on``'s year, as it
    stood when booked), dated ``booked_on``; ``booking_id`` is the line's reference, the one a
    later ``BookingCancelled`` credits. Times are the site's wall-clock time (Europe/Paris)."""

    event_type: ClassVar[str] = "AuditoriumBooked"
    routing_stem: ClassVar[str] = "booking.auditorium_booked"

    amount: Money
    booked_at: datetime


class StudioSlotBooked(_BookingEvent):
    """A Lab Studio slot of a training organisation's participant (B6), identified by
    normalised e-mail. Not invoiced."""

    event_type: ClassVar[str] = "StudioSlotBooked"
    routing_stem: ClassVar[str] = "booking.studio_slot_booked"

    participant_email: str
    booked_at: datetime


class BookingCancelled(_BookingEvent):
    """A booking ended before it took place (B2, B3, B6, B9). ``credit_returned`` true
    (cancelled before its day, or by a membership lapse): the room credit or studio slot is
    given back, and for ``resource_kind`` ``auditorium`` billing credits the invoice line of
    ``booking_id`` (a credit note for ``amount``). False (cancelled on its day): nothing is
    credited."""

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
