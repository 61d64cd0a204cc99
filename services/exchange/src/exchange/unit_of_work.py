"""The exchange unit of work: one transaction, its projection of the sessions, its outbox."""

from exchange.repository import SessionRepository
from shared.clock import Clock
from shared.held_connections import HoldingEngine
from shared.unit_of_work import UnitOfWork


class ExchangeUnitOfWork(UnitOfWork):
    sessions: SessionRepository

    def __init__(
        self, engine: HoldingEngine, clock: Clock | None = None, *, pseudonym_key: bytes
    ) -> None:
        super().__init__(engine, clock)
        #: The key of the participants' references (:mod:`exchange.pseudonyms`).
        self.pseudonym_key = pseudonym_key

    def _on_enter(self) -> None:
        self.sessions = SessionRepository(self.connection)
