"""The booking unit of work: one transaction, its repositories and its outbox."""

from sqlalchemy.ext.asyncio import AsyncEngine

from booking.settings import BookingSettings
from shared.unit_of_work import UnitOfWork


class BookingUnitOfWork(UnitOfWork):
    def __init__(self, engine: AsyncEngine, settings: BookingSettings) -> None:
        super().__init__(engine)
        self.settings = settings
