"""The training unit of work: one transaction, its repositories and its outbox."""

from sqlalchemy.ext.asyncio import AsyncEngine

from shared.unit_of_work import UnitOfWork
from training.settings import TrainingSettings


class TrainingUnitOfWork(UnitOfWork):
    def __init__(self, engine: AsyncEngine, settings: TrainingSettings) -> None:
        super().__init__(engine)
        self.settings = settings
