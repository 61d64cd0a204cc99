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
    probe_world,
) -> None:
    world = await probe_world("smoke")
    await world.declare(tap=False)
    committed, rolled_back = a_siren(), a_siren()
    await produce(world.uow(), committed)
    await produce(world.uow(), rolled_back, commit=False)
    relay = world.relay()
    async with world.consumer():
        task = asyncio.create_task(relay.run())
        try:
            await wait_until(lambda: _at_least(world, committed, 1))
            await asyncio.sleep(0.5)
        finally:
            relay.stop()
            await task
    assert await world.applied(committed) == 1
    assert await world.applied(rolled_back) == 0


async def _at_least(world, siren: str, n: int) -> bool:
    return await world.applied(siren) >= n
