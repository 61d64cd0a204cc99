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
from shared.testing.probe import kit
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


async def test_x2_a_connection_lost_while_applying_loses_only_the_ack(
    probe_world, broker_control
) -> None:
    """The broker's connections drop while a handler is applying a message: the transaction
    still ends and commits, only the ack is lost; the message comes again on reconnection and
    is a duplicate, applied once in all."""
    world = await probe_world("drop_mid_apply")
    await world.declare(tap=False)
    siren = "987654321"
    release = kit.held_sirens[siren] = asyncio.Event()
    kit.begun.pop(siren, None)
    try:
        duplicates_before = consumers.stats.duplicates
        await produce(world.uow(), siren)
        relay = world.relay()
        task = asyncio.create_task(relay.run())
        try:
            async with world.consumer():
                await wait_until(lambda: _begun(siren), within=30)
                await asyncio.to_thread(broker_control.drop_connections)
                release.set()
                await wait_until(lambda: _applied_total(world, 1), within=30)
                await wait_until(
                    lambda: _count_at_least(consumers.stats, "duplicates", duplicates_before + 1),
                    within=60,
                )
        finally:
            relay.stop()
            await task
    finally:
        kit.held_sirens.pop(siren, None)
    assert await world.applied(siren) == 1


async def _begun(siren: str) -> bool:
    return siren in kit.begun and kit.begun[siren].is_set()


async def _count_at_least(stats: Any, name: str, n: int) -> bool:
    return bool(getattr(stats, name) >= n)


async def _applied_total(world: Any, n: int) -> bool:
    return bool(await world.applied_total() >= n)
