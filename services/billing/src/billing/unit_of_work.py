"""The billing unit of work: one transaction, its repository, its outbox and the clock."""

from sqlalchemy.ext.asyncio import AsyncEngine

from billing.repository import BillingRepository
from billing.settings import BillingSettings
from shared.clock import Clock
from shared.unit_of_work import UnitOfWork


class BillingUnitOfWork(UnitOfWork):
    billing: BillingRepository

    def __init__(
        self,
        engine: AsyncEngine,
        settings: BillingSettings,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(engine, clock)
        self.settings = settings

    def _on_enter(self) -> None:
        self.billing = BillingRepository(self.connection)
