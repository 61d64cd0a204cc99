"""The engine's held connections: reused as they are between units of work, never more than the
pool allows, given back through the pool in time, after a broken one, and on dispose."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
import sqlalchemy.exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared import held_connections
from shared.db import create_engine
from shared.held_connections import HoldingEngine
from shared.unit_of_work import UnitOfWork

pytestmark = pytest.mark.integration
#: What a statement on a connection the server ended raises, from the driver or the socket.
DEAD_CONNECTION = (
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    OSError,
    sqlalchemy.exc.DBAPIError,
)


@pytest.fixture
async def engine(probe_settings: Any) -> AsyncIterator[HoldingEngine]:
    engine = create_engine(probe_settings.database_url, pool_size=2, max_overflow=2)
    yield engine
    await engine.dispose()


async def backend_pid(engine: AsyncEngine) -> int:
    async with UnitOfWork(engine) as uow:
        pid = await uow.driver.fetchval("SELECT pg_backend_pid()")
        await uow.commit()
    return int(pid)


async def alive(probe_engine: AsyncEngine, pid: int) -> bool:
    async with probe_engine.connect() as admin:
        found = await admin.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE pid = :p"), {"p": pid}
        )
        return bool(found.scalar_one())


async def test_x2_consecutive_units_of_work_share_a_held_connection(
    engine: HoldingEngine,
) -> None:
    first = await backend_pid(engine)
    assert await backend_pid(engine) == first
    # held, it is still checked out of the pool, which counts it against its size
    assert engine.sync_engine.pool.checkedout() == 1  # type: ignore[attr-defined]


async def side_by_side(engine: AsyncEngine, count: int) -> list[int]:
    """The backends of ``count`` units of work open at the same time, all committed."""
    together = asyncio.Event()

    async def one() -> int:
        async with UnitOfWork(engine) as uow:
            pid = await uow.driver.fetchval("SELECT pg_backend_pid()")
            await together.wait()
            await uow.commit()
        return int(pid)

    tasks = [asyncio.create_task(one()) for _ in range(count)]
    await asyncio.sleep(0.5)
    together.set()
    return list(await asyncio.gather(*tasks))


async def test_x2_no_more_are_held_than_the_pool_keeps(engine: HoldingEngine) -> None:
    assert len(set(await side_by_side(engine, 4))) == 4  # pool_size 2 + max_overflow 2
    # two held; the overflow ones closed by the pool as it would without holding
    assert engine.sync_engine.pool.checkedout() == 2  # type: ignore[attr-defined]


async def test_x2_a_connection_held_long_enough_goes_back_through_the_pool(
    engine: HoldingEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(held_connections, "HOLD_SECONDS", 0.0)
    await backend_pid(engine)
    assert engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_x2_a_broken_connection_makes_the_engine_close_what_it_holds(
    engine: HoldingEngine, probe_engine: AsyncEngine
) -> None:
    held = await side_by_side(engine, 2)
    async with probe_engine.connect() as admin:
        for pid in held:
            await admin.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
    with pytest.raises(DEAD_CONNECTION):
        await backend_pid(engine)
    # the other dead one was closed, not handed out again: the next unit of work gets a live one
    assert await backend_pid(engine) not in held


async def test_x2_dispose_closes_the_held_connections(
    engine: HoldingEngine, probe_engine: AsyncEngine
) -> None:
    pid = await backend_pid(engine)
    assert await alive(probe_engine, pid)
    await engine.dispose()
    for _ in range(50):
        if not await alive(probe_engine, pid):
            break
        await asyncio.sleep(0.1)
    assert not await alive(probe_engine, pid)
