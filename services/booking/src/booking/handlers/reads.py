"""What members and staff read: bookings, credits, calendar feeds (X3 scope applied here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from booking import ical
from booking.domain.bookings import Booking, BookingStatus
from booking.handlers.bookings import site_today
from booking.handlers.catalogue import resource
from booking.ports import BookingUoW
from booking.repository.bookings import BookingFilter
from shared.errors import NotFound

#: A feed shows the bookings of the last 90 days and every one to come (at most FEED_LIMIT).
FEED_PAST_DAYS = 90
FEED_LIMIT = 2000


async def booking(uow: BookingUoW, booking_id: UUID, *, siren_scope: str | None) -> Booking:
    found = await uow.bookings.get(booking_id)
    if found is None or (siren_scope is not None and found.siren != siren_scope):
        raise NotFound("Booking", booking_id)
    return found


async def bookings(
    uow: BookingUoW, where: BookingFilter, *, limit: int, offset: int
) -> tuple[list[Booking], int]:
    return await uow.bookings.search(where, limit=limit, offset=offset)


@dataclass(frozen=True)
class Credits:
    siren: str
    year: int
    allowed: int
    used: int

    @property
    def left(self) -> int:
        return max(self.allowed - self.used, 0)


async def credits(uow: BookingUoW, siren: str, year: int) -> Credits:
    """B2: the structure's meeting-room credits of a year."""
    policy = await uow.policies.get(year)
    if policy is None:
        raise NotFound("Booking terms of year", year)
    return Credits(
        siren, year, policy.room_credits, await uow.quotas.room_credits_used(siren, year)
    )


async def structure_feed(uow: BookingUoW, siren: str) -> bytes:
    """The structure's active bookings as an iCalendar document."""
    since = site_today(uow) - timedelta(days=FEED_PAST_DAYS)
    found = await uow.bookings.feed(
        BookingFilter(siren=siren, starts_on=since, status=BookingStatus.ACTIVE), limit=FEED_LIMIT
    )
    return ical.calendar_of(
        f"Cap Métiers — réservations {siren}", found, stamp=uow.clock.now(), detailed=True
    )


async def resource_feed(uow: BookingUoW, resource_id: UUID, *, detailed: bool) -> bytes:
    """A resource's active bookings; without ``detailed`` only busy times (no structure)."""
    found_resource = await resource(uow, resource_id)
    since = site_today(uow) - timedelta(days=FEED_PAST_DAYS)
    found = await uow.bookings.feed(
        BookingFilter(resource_id=resource_id, starts_on=since, status=BookingStatus.ACTIVE),
        limit=FEED_LIMIT,
    )
    return ical.calendar_of(
        f"Cap Métiers — {found_resource.name}", found, stamp=uow.clock.now(), detailed=detailed
    )
