"""An in-memory unit of work for use-case tests without a database.

A service's tests subclass it and attach fake repositories (dicts behind the repository's
methods). It has what use cases read from a unit of work: ``clock`` and ``outbox``; ``commit``
moves the queued events to ``published``, as the real one writes them to the outbox table, and
leaving without a commit drops them, as a rollback would.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import TracebackType
from typing import Self

from shared.clock import Clock, FixedClock
from shared.contracts.base import Event
from shared.contracts.envelope import Envelope
from shared.messaging.outbox import OutboxWriter


class InMemoryUnitOfWork:
    def __init__(self, clock: Clock | None = None) -> None:
        self.clock: Clock = clock or FixedClock(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
        self.outbox = OutboxWriter(self.clock)
        self.published: list[Envelope] = []
        self.commits = 0

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.outbox.discard()

    async def commit(self) -> None:
        self.published.extend(self.outbox.take())
        self.commits += 1

    def events(self, model: type[Event] | None = None) -> list[Envelope]:
        """The committed envelopes, of ``model``'s type if given."""
        if model is None:
            return list(self.published)
        return [e for e in self.published if e.event_type == model.event_type]
