"""The membership unit of work: one transaction, its repository, its outbox and the clock."""

from membership.repository import MembershipRepository
from shared.unit_of_work import UnitOfWork


class MembershipUnitOfWork(UnitOfWork):
    repo: MembershipRepository

    def _on_enter(self) -> None:
        self.repo = MembershipRepository(self.connection)
