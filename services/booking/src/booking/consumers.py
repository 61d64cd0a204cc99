"""Events the booking service consumes: thin subscribers calling the handlers."""

from booking.unit_of_work import BookingUnitOfWork
from shared.messaging.consumers import EventConsumers

consumers: EventConsumers[BookingUnitOfWork] = EventConsumers("booking")
