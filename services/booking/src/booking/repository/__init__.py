"""Every query of the booking service (SQLAlchemy Core on the unit of work's connection).

Repositories return the domain's frozen records, never rows.
"""

from booking.repository.bookings import BookingRepository, NewBooking
from booking.repository.feeds import FeedTokenRepository
from booking.repository.quotas import QuotaRepository
from booking.repository.resources import CalendarRepository, PolicyRepository, ResourceRepository

__all__ = [
    "BookingRepository",
    "CalendarRepository",
    "FeedTokenRepository",
    "NewBooking",
    "PolicyRepository",
    "QuotaRepository",
    "ResourceRepository",
]
