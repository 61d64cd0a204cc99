"""The unit of work: one database transaction, with the events it causes written to the outbox."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.messaging.outbox import OutboxWriter


class UnitOfWork:
    """``async with uow: ... await uow.commit()``; leaving without commit rolls everything back.

    It holds a Core connection (``uow.connection``), not an ORM session: the services speak
    SQLAlchemy Core, and the session's bookkeeping cost a third of a consumer's time per event.
    Services subclass it to attach their repositories in :meth:`_on_enter`.
    """

    connection: AsyncConnection

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self.outbox = OutboxWriter()
        self._committed = False

    def _on_enter(self) -> None:
        """Hook: build repositories on ``self.connection``."""

    async def __aenter__(self) -> Self:
        self.connection = await self._engine.connect()
        try:
            await self.connection.begin()
        except BaseException:
            await self.connection.close()
            raise
        self._committed = False
        self.outbox = OutboxWriter()
        self._on_enter()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self._committed:
                self.outbox.discard()
                await self.connection.rollback()
        finally:
            await self.connection.close()

    async def commit(self) -> None:
        await self.outbox.flush(self.connection)
        await self.connection.commit()
        self._committed = True

    async def rollback(self) -> None:
        self.outbox.discard()
        await self.connection.rollback()
