"""The training unit of work: one transaction, its repositories and its outbox."""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.unit_of_work import UnitOfWork
from training.settings import TrainingSettings


class TrainingUnitOfWork(UnitOfWork):
    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], settings: TrainingSettings
    ) -> None:
        super().__init__(session_factory)
        self.settings = settings
