"""The booking unit of work: one transaction, its repositories and its outbox."""

from shared.unit_of_work import UnitOfWork


class BookingUnitOfWork(UnitOfWork):
    """Its repositories come with the booking rules."""
