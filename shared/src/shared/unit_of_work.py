"""The unit of work: one database transaction, with the events it causes written to the outbox."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.messaging.outbox import OutboxWriter


class UnitOfWork:
    """``async with uow: ... await uow.commit()``; leaving without commit rolls everything back.

    Services subclass it to attach their repositories in :meth:`_on_enter`.
    """

    session: AsyncSession

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory
        self.outbox = OutboxWriter()
        self._committed = False

    def _on_enter(self) -> None:
        """Hook: build repositories on ``self.session``."""

    async def __aenter__(self) -> Self:
        self.session = self._session_factory()
        await self.session.begin()
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
                await self.session.rollback()
        finally:
            await self.session.close()

    async def commit(self) -> None:
        await self.session.flush()
        await self.outbox.flush(self.session)
        await self.session.commit()
        self._committed = True

    async def rollback(self) -> None:
        self.outbox.discard()
        await self.session.rollback()
