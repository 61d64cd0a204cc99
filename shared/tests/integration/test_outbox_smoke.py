"""X2: an event is published if and only if its transaction committed, and applied once."""

from __future__ import annotations

import asyncio
import random

import pytest

from shared.testing.helpers import wait_until
from shared.testing.probe.kit import produce

pytestmark = pytest.mark.integration


def a_siren() -> str:
    return "".join(random.choice("0123456789") for _ in range(9))


async def test_x2_committed_transaction_publishes_its_event_and_rollback_publishes_nothing(
    probe_uow, applied_count, make_relay, relay_running, probe_consumer
) -> None:
    committed, rolled_back = a_siren(), a_siren()
    await produce(probe_uow(), committed)
    await produce(probe_uow(), rolled_back, commit=False)
    async with relay_running(make_relay()):
        await wait_until(lambda: _at_least(applied_count, committed, 1))
        await asyncio.sleep(0.5)
    assert await applied_count(committed) == 1
    assert await applied_count(rolled_back) == 0


async def _at_least(applied_count, siren: str, n: int) -> bool:
    return await applied_count(siren) >= n
