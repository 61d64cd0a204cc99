"""The membership unit of work: one transaction, its repository, its outbox and the clock."""

from sqlalchemy.ext.asyncio import AsyncEngine

from membership.repository import MembershipRepository
from shared.clock import Clock, SystemClock
from shared.unit_of_work import UnitOfWork


class MembershipUnitOfWork(UnitOfWork):
    repo: MembershipRepository

    def __init__(self, engine: AsyncEngine, clock: Clock | None = None) -> None:
        super().__init__(engine)
        #: The runtime's clock: consumed events are applied at its time.
        self.clock: Clock = clock or SystemClock()

    def _on_enter(self) -> None:
        self.repo = MembershipRepository(self.connection)
