"""The membership unit of work: one transaction, its repositories and its outbox."""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from membership.settings import MembershipSettings
from shared.unit_of_work import UnitOfWork


class MembershipUnitOfWork(UnitOfWork):
    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], settings: MembershipSettings
    ) -> None:
        super().__init__(session_factory)
        self.settings = settings
