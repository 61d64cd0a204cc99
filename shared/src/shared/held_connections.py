"""An engine that keeps the connections its units of work give back, ready for the next one.

Checking a connection out of SQLAlchemy's async pool and back in costs a greenlet switch each
way, a new ``Connection`` object and the pool's bookkeeping: measured on a consumer, about half
of what the kit adds to a raw asyncpg/aio-pika pipeline per message. :class:`HoldingEngine`
holds up to ``pool_size`` connections that a unit of work gave back healthy and out of any
transaction, and hands them to the next unit of work as they are.

What the pool would do still happens:

- SQLAlchemy still counts every connection (a held one is checked out to it): no more than
  ``pool_size + max_overflow`` are ever open.
- A connection is held for at most :data:`HOLD_SECONDS` at a time, then goes back through the
  pool, which applies ``pool_recycle`` and its invalidations.
- A connection found broken makes the engine close everything it holds (see
  :meth:`HoldingEngine.release_held`): after a server restart, the next units of work get new
  connections, not the dead ones held before.
- :meth:`HoldingEngine.dispose` closes what it holds before the pool.
"""

from __future__ import annotations

import contextlib
import time

from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

#: How long a connection stays held before it goes back through the pool once.
HOLD_SECONDS = 30.0
_SINCE = "shared.held_since"


class HoldingEngine(AsyncEngine):
    """An :class:`~sqlalchemy.ext.asyncio.AsyncEngine` with :meth:`take` and :meth:`give_back`,
    made by :func:`shared.db.create_engine`."""

    __slots__ = ("_held", "_hold_at_most")

    def __init__(self, sync_engine: Engine, hold_at_most: int) -> None:
        super().__init__(sync_engine)
        self._held: list[AsyncConnection] = []
        self._hold_at_most = hold_at_most

    async def take(self) -> AsyncConnection:
        """A held connection, or one checked out of the pool."""
        if self._held:
            return self._held.pop()
        return await self.connect()

    async def give_back(self, connection: AsyncConnection) -> None:
        """Hold ``connection`` (healthy, out of any transaction) for the next unit of work, or
        return it to the pool when enough are held or it was held long enough."""
        info = connection.info
        now = time.monotonic()
        since = info.setdefault(_SINCE, now)
        if len(self._held) < self._hold_at_most and now - since < HOLD_SECONDS:
            if connection.in_transaction():
                # SQLAlchemy's own begin (autocommit: nothing at the server) is ended, as a
                # close would, so the next unit of work finds the connection as new
                await connection.rollback()
            self._held.append(connection)
            return
        info.pop(_SINCE, None)
        await connection.close()

    async def release_held(self, *, broken: bool = False) -> None:
        """Return every held connection to the pool; ``broken`` (one was found so) closes them
        instead, as the server may have ended them all and the pool would hand them out again."""
        held, self._held = self._held, []
        for connection in held:
            connection.info.pop(_SINCE, None)
            with contextlib.suppress(Exception):  # a dead one: the pool invalidates it
                if broken:
                    await connection.invalidate()
                await connection.close()

    async def dispose(self, close: bool = True) -> None:
        await self.release_held()
        await super().dispose(close=close)
