"""Events the membership service consumes: thin subscribers calling the handlers."""

from membership.unit_of_work import MembershipUnitOfWork
from shared.messaging.consumers import EventConsumers

consumers: EventConsumers[MembershipUnitOfWork] = EventConsumers("membership")
