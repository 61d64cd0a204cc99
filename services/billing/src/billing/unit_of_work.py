"""The billing unit of work: one transaction, its repositories and its outbox."""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing.settings import BillingSettings
from shared.unit_of_work import UnitOfWork


class BillingUnitOfWork(UnitOfWork):
    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], settings: BillingSettings
    ) -> None:
        super().__init__(session_factory)
        self.settings = settings
