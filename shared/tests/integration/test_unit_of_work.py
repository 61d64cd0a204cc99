"""X2: the unit of work commits the business change and its events together, or neither.

The transaction is begun and ended on the driver connection, under SQLAlchemy's statements, so
these tests also check that a connection goes back to the pool clean whatever happened in it.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
import sqlalchemy.exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import create_engine
from shared.messaging.outbox import AggregateRef
from shared.testing.probe.kit import beneficiary_added, produce
from shared.unit_of_work import UnitOfWork

pytestmark = pytest.mark.integration


def a_siren() -> str:
    return "".join(random.choice("0123456789") for _ in range(9))


@pytest.fixture
async def one_connection_engine(probe_settings: Any) -> AsyncIterator[AsyncEngine]:
    """An engine whose pool keeps one connection, so consecutive units of work share it."""
    engine = create_engine(probe_settings.database_url, pool_size=1)
    yield engine
    await engine.dispose()


async def structures(engine: AsyncEngine, siren: str) -> int:
    async with engine.connect() as connection:
        result = await connection.execute(
            text("SELECT count(*) FROM structures WHERE siren = :s"), {"s": siren}
        )
        return int(result.scalar_one())


async def outbox_rows(engine: AsyncEngine, siren: str) -> int:
    async with engine.connect() as connection:
        result = await connection.execute(
            text("SELECT count(*) FROM outbox WHERE payload->>'aggregate_id' = :s"), {"s": siren}
        )
        return int(result.scalar_one())


async def backend_pid(uow: UnitOfWork) -> int:
    return int((await uow.connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_x2_commit_writes_the_change_and_its_event_together(
    one_connection_engine: AsyncEngine,
) -> None:
    siren = a_siren()
    envelope = await produce(UnitOfWork(one_connection_engine), siren)
    assert await structures(one_connection_engine, siren) == 1
    async with one_connection_engine.connect() as connection:
        row = (
            await connection.execute(
                text("SELECT event_type, payload->>'message_id' FROM outbox WHERE id = :i"),
                {"i": envelope.message_id},
            )
        ).one()
    assert row == ("BeneficiaryAdded", str(envelope.message_id))


async def test_x2_leaving_without_commit_keeps_neither_the_change_nor_the_event(
    one_connection_engine: AsyncEngine,
) -> None:
    siren = a_siren()
    await produce(UnitOfWork(one_connection_engine), siren, commit=False)
    assert await structures(one_connection_engine, siren) == 0
    assert await outbox_rows(one_connection_engine, siren) == 0


async def test_x2_a_failed_statement_rolls_back_and_the_connection_is_reused_clean(
    one_connection_engine: AsyncEngine,
) -> None:
    taken, fresh = a_siren(), a_siren()
    await produce(UnitOfWork(one_connection_engine), taken)
    pids: list[int] = []

    async def insert_a_duplicate() -> None:
        async with UnitOfWork(one_connection_engine) as uow:
            pids.append(await backend_pid(uow))
            uow.outbox.add(beneficiary_added(fresh), AggregateRef(fresh, None))
            await uow.connection.execute(
                text("INSERT INTO structures (siren) VALUES (:s)"), {"s": fresh}
            )
            await uow.connection.execute(
                text("INSERT INTO structures (siren) VALUES (:s)"), {"s": taken}
            )

    with pytest.raises(sqlalchemy.exc.IntegrityError):
        await insert_a_duplicate()
    first_pid = pids[0]
    async with UnitOfWork(one_connection_engine) as uow:
        assert await backend_pid(uow) == first_pid  # the same connection, not discarded
        assert not await uow.driver.fetchval(
            "SELECT count(*) FROM structures WHERE siren = $1", fresh
        )
    assert await outbox_rows(one_connection_engine, fresh) == 0


async def test_x2_a_commit_the_database_refuses_leaves_nothing_behind(
    one_connection_engine: AsyncEngine,
) -> None:
    """A deferred constraint fails at COMMIT: nothing of the transaction remains, and the next
    unit of work on that connection runs normally."""
    siren = a_siren()

    async def commit_a_deferred_violation() -> None:
        async with UnitOfWork(one_connection_engine) as uow:
            await uow.connection.execute(
                text(
                    "CREATE TEMPORARY TABLE deferred_check "
                    "(x int UNIQUE DEFERRABLE INITIALLY DEFERRED) ON COMMIT DROP"
                )
            )
            await uow.connection.execute(text("INSERT INTO deferred_check VALUES (1), (1)"))
            await uow.connection.execute(
                text("INSERT INTO structures (siren) VALUES (:s)"), {"s": siren}
            )
            uow.outbox.add(beneficiary_added(siren), AggregateRef(siren, None))
            await uow.commit()

    with pytest.raises(asyncpg.UniqueViolationError):
        await commit_a_deferred_violation()
    assert await structures(one_connection_engine, siren) == 0
    assert await outbox_rows(one_connection_engine, siren) == 0
    again = a_siren()
    await produce(UnitOfWork(one_connection_engine), again)
    assert await structures(one_connection_engine, again) == 1


async def test_x2_a_connection_lost_mid_transaction_is_discarded_not_reused(
    one_connection_engine: AsyncEngine, probe_engine: AsyncEngine
) -> None:
    siren = a_siren()
    pids: list[int] = []

    async def lose_the_connection() -> None:
        async with UnitOfWork(one_connection_engine) as uow:
            pids.append(await backend_pid(uow))
            async with probe_engine.connect() as admin:
                await admin.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pids[0]})
            await uow.connection.execute(
                text("INSERT INTO structures (siren) VALUES (:s)"), {"s": siren}
            )
            await uow.commit()

    with pytest.raises((sqlalchemy.exc.DBAPIError, asyncpg.InterfaceError, OSError)):
        await lose_the_connection()
    lost_pid = pids[0]
    async with UnitOfWork(one_connection_engine) as uow:
        assert await backend_pid(uow) != lost_pid
        await uow.connection.execute(
            text("INSERT INTO structures (siren) VALUES (:s)"), {"s": siren}
        )
        await uow.commit()
    assert await structures(one_connection_engine, siren) == 1


async def test_x2_a_unit_of_work_cannot_commit_twice(one_connection_engine: AsyncEngine) -> None:
    async with UnitOfWork(one_connection_engine) as uow:
        await uow.commit()
        with pytest.raises(RuntimeError, match="no open transaction"):
            await uow.commit()
