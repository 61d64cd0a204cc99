"""The billing unit of work: one transaction, its repository, its outbox and the clock."""

from sqlalchemy.ext.asyncio import AsyncEngine

from billing.repository import BillingRepository
from billing.settings import BillingSettings
from shared.clock import Clock, SystemClock
from shared.unit_of_work import UnitOfWork


class BillingUnitOfWork(UnitOfWork):
    billing: BillingRepository

    def __init__(
        self,
        engine: AsyncEngine,
        settings: BillingSettings,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(engine)
        self.settings = settings
        #: Every date of a billing decision comes from here (tests set a FixedClock).
        self.clock: Clock = clock or SystemClock()

    def _on_enter(self) -> None:
        self.billing = BillingRepository(self.connection)
