"""Bookings as iCalendar (RFC 5545) documents, for a member's or a resource's calendar feed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import icalendar

from booking.domain.bookings import Booking
from booking.domain.opening import SITE_TIMEZONE
from booking.domain.resources import SITE

PRODUCT_ID = "-//Cap Métiers Nouvelle-Aquitaine//Réservations Pessac//FR"
UID_DOMAIN = "booking.capmetiers.fr"


def calendar_of(
    name: str, bookings: Iterable[Booking], *, stamp: datetime, detailed: bool
) -> bytes:
    """One VEVENT per booking, in the site's time zone; ``detailed`` adds the structure and
    the purpose (a member reading a resource's feed sees busy times only, X3)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(SITE_TIMEZONE))
    for booking in bookings:
        calendar.add_component(_event(booking, stamp, detailed))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def _event(booking: Booking, stamp: datetime, detailed: bool) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"{booking.id}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", datetime.combine(booking.day, booking.starts_at, tzinfo=SITE_TIMEZONE))
    event.add("dtend", datetime.combine(booking.day, booking.ends_at, tzinfo=SITE_TIMEZONE))
    event.add("sequence", booking.version - 1)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("location", f"{booking.resource_name}, {SITE}")
    if detailed:
        event.add("summary", f"{booking.resource_name} — {booking.purpose}")
        lines = [
            f"Structure (SIREN) : {booking.siren}",
            f"Participants prévus : {booking.attendance}",
            f"Badges parking TBM : {booking.parking_passes}",
        ]
        if booking.participant_email:
            lines.append(f"Participant : {booking.participant_email}")
        event.add("description", "\n".join(lines))
    else:
        event.add("summary", f"{booking.resource_name} — réservé")
    return event
