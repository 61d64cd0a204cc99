"""The unit of work: one database transaction, with the events it causes written to the outbox."""

from __future__ import annotations

import contextlib
from types import TracebackType
from typing import Self

import asyncpg
from asyncpg.transaction import Transaction
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.clock import Clock, SystemClock
from shared.held_connections import HoldingEngine
from shared.messaging.outbox import OutboxWriter


class UnitOfWork:
    """``async with uow: ... await uow.commit()``; leaving without commit rolls everything back.

    It holds one pooled connection (one the engine held since the last unit of work, see
    :class:`~shared.held_connections.HoldingEngine`) under two faces: ``uow.connection``, a
    SQLAlchemy Core connection for the service's statements, and ``uow.driver``, the asyncpg
    connection beneath it, on which the kit runs its own statements (transaction, inbox claim,
    outbox rows). A Core statement costs about three times a driver one on this path, and the
    kit's statements run for every event, so they skip SQLAlchemy. The transaction is the unit of work's: the engine
    is in autocommit mode (see :func:`shared.db.create_engine`) and SQLAlchemy only sends
    statements inside the transaction begun here.

    ``uow.clock`` is the runtime's clock: every date a decision reads, and the time its events
    occur at, come from it (tests set a FixedClock). Services subclass the unit of work to
    attach their repositories in :meth:`_on_enter`.
    """

    connection: AsyncConnection
    driver: asyncpg.Connection

    def __init__(self, engine: HoldingEngine, clock: Clock | None = None) -> None:
        self._engine = engine
        self.clock: Clock = clock or SystemClock()
        self.outbox = OutboxWriter(self.clock)
        self._transaction: Transaction | None = None

    def _on_enter(self) -> None:
        """Hook: build repositories on ``self.connection``."""

    async def __aenter__(self) -> Self:
        connection = await self._engine.take()
        try:
            driver: asyncpg.Connection = (await connection.get_raw_connection()).driver_connection
            transaction = driver.transaction()
            await transaction.start()
        except BaseException:
            await self._discard(connection)
            raise
        self.connection, self.driver, self._transaction = connection, driver, transaction
        self._on_enter()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.outbox.discard()
        await self._release()

    async def commit(self) -> None:
        """Write the pending outbox rows and commit; the unit of work is then done."""
        transaction = self._open_transaction()
        await self.outbox.flush(self.driver)
        self._transaction = None  # a failed COMMIT ends the transaction too
        await transaction.commit()

    def _open_transaction(self) -> Transaction:
        if self._transaction is None:
            raise RuntimeError("the unit of work has no open transaction")
        return self._transaction

    async def _release(self) -> None:
        """Roll back what is not committed and give the connection back to the pool.

        A connection whose state is unknown (rollback failed, still in a transaction, closed) is
        discarded rather than handed to the next unit of work.
        """
        transaction, self._transaction = self._transaction, None
        healthy = True
        if transaction is not None:
            try:
                await transaction.rollback()
            except (
                asyncpg.PostgresError,
                asyncpg.InterfaceError,
                asyncpg.InternalClientError,
                OSError,
            ):
                healthy = False
        if not healthy or self.driver.is_closed() or self.driver.is_in_transaction():
            await self._discard(self.connection)
        else:
            await self._engine.give_back(self.connection)

    async def _discard(self, connection: AsyncConnection) -> None:
        """Close ``connection`` and drop its DBAPI connection from the pool; the engine's held
        connections are closed too (the server may have ended them all)."""
        with contextlib.suppress(Exception):
            await connection.invalidate()
        await connection.close()
        await self._engine.release_held(broken=True)
