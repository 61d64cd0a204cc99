"""The booking unit of work: one transaction, its repositories and its outbox."""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from booking.settings import BookingSettings
from shared.unit_of_work import UnitOfWork


class BookingUnitOfWork(UnitOfWork):
    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], settings: BookingSettings
    ) -> None:
        super().__init__(session_factory)
        self.settings = settings
