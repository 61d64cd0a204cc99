"""X2 when RabbitMQ goes away during relaying: nothing committed is lost, nothing applied twice.

These tests drop every connection of the broker or restart it: they are marked ``broker_fault``,
so the harness runs them last, one at a time, and leaves the broker started.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

import pytest

from shared.messaging.relay import OutboxRelay
from shared.testing.helpers import wait_until
from shared.testing.probe.kit import consumers, produce

pytestmark = [pytest.mark.integration, pytest.mark.broker_fault]


class _FaultingRelay(OutboxRelay):
    """Runs ``fault`` (in a thread) once, after its ``after_batches``-th batch is confirmed and
    before it is marked: the broker goes away in the middle of relaying, never before or after."""

    def __init__(self, fault: Callable[[], None], after_batches: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._fault: Callable[[], None] | None = fault
        self._after_batches = after_batches
        self._batches = 0
        self.faulted = asyncio.Event()

    async def _after_publish_before_mark(self, published: Sequence[UUID]) -> None:
        self._batches += 1
        if self._fault is not None and self._batches >= self._after_batches:
            fault, self._fault = self._fault, None
            await asyncio.to_thread(fault)
            self.faulted.set()


async def _relay_through_fault(world: Any, fault: Callable[[], None]) -> None:
    await world.declare()
    before = [f"1{i:08d}" for i in range(300)]
    after = [f"2{i:08d}" for i in range(100)]
    expected = [str((await produce(world.uow(), s)).message_id) for s in before]
    applied_before = consumers.stats.applied
    relay = _FaultingRelay(fault, after_batches=3, **world.relay_arguments(batch_size=20))
    async with world.consumer():
        task = asyncio.create_task(relay.run())
        try:
            await asyncio.wait_for(relay.faulted.wait(), timeout=60)
            assert await world.pending() > 0, "the fault came in the middle of relaying"
            # Committed once the broker is back: the relay and the consumer must both resume.
            for siren in after:
                expected.append(str((await produce(world.uow(), siren)).message_id))
            await wait_until(world.none_pending, within=60)
            await wait_until(lambda: _applied_total(world, len(expected)), within=60)
        finally:
            relay.stop()
            await task

    delivered = Counter(await world.drain_tap())
    assert set(delivered) == set(expected), "every committed event reached the broker"
    assert consumers.stats.applied - applied_before == len(expected)
    assert await world.scalar("SELECT count(DISTINCT siren) FROM applied") == len(expected)
    assert await world.applied_total() == len(expected), "each event applied exactly once"
    assert relay.stats.published >= len(expected)


async def test_x2_connections_dropped_during_relaying_lose_no_event(
    probe_world, broker_control
) -> None:
    world = await probe_world("broker_drop")
    await _relay_through_fault(world, broker_control.drop_connections)


async def test_x2_broker_restarted_during_relaying_loses_no_event(
    probe_world, broker_control
) -> None:
    world = await probe_world("broker_restart")
    await _relay_through_fault(world, broker_control.restart)


async def _applied_total(world: Any, n: int) -> bool:
    return bool(await world.applied_total() >= n)
