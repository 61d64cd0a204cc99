"""Events the booking service consumes: membership's, folded into the member-rights projection;
a lapse then cancels what the structure may no longer hold (B9)."""

from booking.handlers.bookings import cancel_after_lapse
from booking.unit_of_work import BookingUnitOfWork
from shared.contracts import MembershipLapsed
from shared.messaging.consumers import EventConsumers
from shared.projections.member_rights import register_member_rights

consumers: EventConsumers[BookingUnitOfWork] = EventConsumers("booking")
register_member_rights(consumers, hooks={MembershipLapsed: cancel_after_lapse})
