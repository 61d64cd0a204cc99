"""The API's edge: a transaction the database aborted for a deadlock runs again, once more."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from training.api.deps import ATTEMPTS, transact


class FakeRuntime:
    def __init__(self) -> None:
        self.transactions = 0

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[object]:
        self.transactions += 1
        yield object()


async def test_a_deadlocked_transaction_runs_again() -> None:
    runtime = FakeRuntime()
    calls: list[int] = []

    async def use_case(uow: Any) -> str:
        calls.append(1)
        if len(calls) == 1:
            raise asyncpg.exceptions.DeadlockDetectedError("deadlock detected")
        return "done"

    assert await transact(runtime, use_case) == "done"  # type: ignore[arg-type]
    assert runtime.transactions == 2


async def test_a_deadlock_every_time_gives_up_and_other_errors_are_not_retried() -> None:
    runtime = FakeRuntime()

    async def deadlock(uow: Any) -> None:
        raise asyncpg.exceptions.DeadlockDetectedError("deadlock detected")

    with pytest.raises(asyncpg.exceptions.DeadlockDetectedError):
        await transact(runtime, deadlock)  # type: ignore[arg-type]
    assert runtime.transactions == ATTEMPTS

    async def unique(uow: Any) -> None:
        raise asyncpg.exceptions.UniqueViolationError("duplicate")

    with pytest.raises(asyncpg.exceptions.UniqueViolationError):
        await transact(runtime, unique)  # type: ignore[arg-type]
    assert runtime.transactions == ATTEMPTS + 1
