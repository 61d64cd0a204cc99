"""Events the billing service consumes: thin subscribers calling the handlers."""

from billing.unit_of_work import BillingUnitOfWork
from shared.messaging.consumers import EventConsumers

consumers: EventConsumers[BillingUnitOfWork] = EventConsumers("billing")
