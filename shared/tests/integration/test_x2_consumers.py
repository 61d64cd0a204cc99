"""X2 on the consuming side: retries, the DLQ and its replay, undecodable messages."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aio_pika
import pytest

from shared.messaging import dlq
from shared.testing.helpers import wait_until
from shared.testing.probe import kit
from shared.testing.probe.kit import produce

pytestmark = pytest.mark.integration


@pytest.fixture
def failing() -> Any:
    yield kit.failing_sirens
    kit.failing_sirens.clear()


async def test_x2_poison_message_reaches_dlq_after_max_attempts_without_holding_back_others_and_replay_applies_it(
    probe_world, failing
) -> None:
    world = await probe_world("poison", consumer_max_attempts=3)
    await world.declare(tap=False)
    poison = "900000001"
    followers = [f"{i:09d}" for i in range(20)]
    failing.add(poison)
    kit.failures.pop(poison, None)
    poisoned = await produce(world.uow(), poison)
    for siren in followers:
        await produce(world.uow(), siren)
    relay = world.relay()
    task = asyncio.create_task(relay.run())
    try:
        async with world.consumer(), _channel(world) as channel:
            # Published before them, failing on every attempt, it does not stop the others.
            await wait_until(lambda: _all_applied(world, followers))
            await wait_until(lambda: _dlq_count(channel, world, 1))
            assert kit.failures[poison] == 3, "tried max_attempts times, then parked"
            assert await world.applied(poison) == 0
            [parked] = await dlq.show(channel, world.queue)
            assert parked.message_id == str(poisoned.message_id)
            assert parked.attempts == 3
            assert parked.origin == world.queue.name
            assert parked.error is not None
            assert "poison message" in parked.error
            # Showing puts it back (a quorum queue counts the requeued message a moment later).
            await wait_until(lambda: _dlq_count(channel, world, 1))

            # The cause is fixed; replaying brings it back with a fresh attempt count.
            failing.discard(poison)
            assert await dlq.replay(channel, world.queue) == 1
            await wait_until(lambda: _applied(world, poison, 1))
            assert await dlq.count(channel, world.queue) == 0
            assert kit.failures[poison] == 3
    finally:
        relay.stop()
        await task
    for siren in followers:
        assert await world.applied(siren) == 1


async def test_x2_dlq_command_lists_shows_and_replays_by_message_id(
    probe_world, failing, capsys
) -> None:
    world = await probe_world("dlq_cli", consumer_max_attempts=2)
    await world.declare(tap=False)
    first, second = "900000002", "900000003"
    failing.update({first, second})
    envelopes = {s: await produce(world.uow(), s) for s in (first, second)}
    relay = world.relay()
    task = asyncio.create_task(relay.run())
    url, topology = world.settings.rabbitmq_url, world.topology
    try:
        async with world.consumer(), _channel(world) as channel:
            await wait_until(lambda: _dlq_count(channel, world, 2))
            capsys.readouterr()

            assert await dlq.run_command(url, topology, _args("list")) == 0
            assert f"{world.queue.dlq}\t2" in capsys.readouterr().out.splitlines()

            assert (
                await dlq.run_command(url, topology, _args("show", queue="on_beneficiary_added"))
                == 0
            )
            shown = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
            assert {s["message_id"] for s in shown} == {
                str(e.message_id) for e in envelopes.values()
            }
            assert all(s["attempts"] == 2 for s in shown)

            failing.clear()
            only = str(envelopes[second].message_id)
            code = await dlq.run_command(url, topology, _args("replay", message_id=only))
            assert code == 0
            assert f"replayed 1 message(s) to {world.queue.name}" in capsys.readouterr().out
            await wait_until(lambda: _applied(world, second, 1))
            await wait_until(lambda: _dlq_count(channel, world, 1))  # the other stays parked
            assert await world.applied(first) == 0

            assert await dlq.run_command(url, topology, _args("replay")) == 0
            await wait_until(lambda: _applied(world, first, 1))
            assert await dlq.count(channel, world.queue) == 0

            assert await dlq.run_command(url, topology, _args("show", queue="nope")) == 2
    finally:
        relay.stop()
        await task


async def test_x2_undecodable_message_goes_straight_to_the_dlq(probe_world) -> None:
    world = await probe_world("undecodable")
    await world.declare(tap=False)
    unknown_type = {
        "message_id": str(uuid.uuid4()),
        "event_type": "SomethingNobodyPublishes",
        "event_version": 1,
        "occurred_at": datetime.now(UTC).isoformat(),
        "producer": "nobody",
        "aggregate_id": "x",
        "correlation_id": "c",
        "payload": {},
    }
    bad_payload = {
        **unknown_type,
        "message_id": str(uuid.uuid4()),
        "event_type": "BeneficiaryAdded",
    }
    bad_payload["producer"] = "membership"
    bodies = {
        "not-json": b"\x00 this is not JSON",
        "unknown-type": json.dumps(unknown_type).encode(),
        "bad-payload": json.dumps(bad_payload).encode(),
    }
    handled_before = kit.failures.copy()
    async with world.consumer(), _channel(world) as channel:
        for message_id, body in bodies.items():
            await channel.default_exchange.publish(
                aio_pika.Message(body=body, message_id=message_id),
                routing_key=world.queue.name,
            )
        await wait_until(lambda: _dlq_count(channel, world, 3))
        parked = {p.message_id: p for p in await dlq.show(channel, world.queue)}
    assert set(parked) == set(bodies)
    for message in parked.values():
        assert message.attempts == 1, "no retry: retrying would not help"
        assert message.error is not None
        assert message.error.startswith("undecodable")
    assert "SomethingNobodyPublishes" in (parked["unknown-type"].error or "")
    assert await world.applied_total() == 0
    assert kit.failures == handled_before


async def test_x2_a_failure_whose_retry_cannot_be_published_is_handed_back_not_lost(
    probe_world, failing
) -> None:
    """With its delay queues gone, a failing message cannot be moved there: it is nacked back
    to its queue instead of acknowledged, comes again, and after the queue's delivery limit
    the broker itself parks it in the DLQ."""
    world = await probe_world("no_retry_queue", consumer_max_attempts=3)
    await world.declare(tap=False)
    siren = "900000004"
    failing.add(siren)
    kit.failures.pop(siren, None)
    async with _channel(world) as channel:
        for delay in world.queue.retry_delays_ms:
            await channel.queue_delete(world.queue.retry_queue(delay))
        envelope = await produce(world.uow(), siren)
        relay = world.relay()
        task = asyncio.create_task(relay.run())
        try:
            async with world.consumer():
                await wait_until(lambda: _dlq_count(channel, world, 1), within=30)
        finally:
            relay.stop()
            await task
        [parked] = await dlq.show(channel, world.queue)
    assert parked.message_id == str(envelope.message_id)
    assert kit.failures[siren] > world.settings.consumer_max_attempts, "delivered again and again"
    assert await world.applied(siren) == 0


# -- helpers -----------------------------------------------------------------------------------


def _args(command: str, *, queue: str = "on_beneficiary_added", **extra: Any) -> argparse.Namespace:
    values: dict[str, Any] = {
        "dlq_command": command,
        "queue": queue,
        "limit": 100,
        "message_id": None,
    }
    values.update(extra)
    return argparse.Namespace(**values)


@contextlib.asynccontextmanager
async def _channel(world: Any) -> AsyncIterator[aio_pika.abc.AbstractChannel]:
    """A publisher-confirms channel on the test's broker."""
    connection = await aio_pika.connect(world.settings.rabbitmq_url)
    async with connection:
        yield await connection.channel(publisher_confirms=True, on_return_raises=True)


async def _dlq_count(channel: Any, world: Any, n: int) -> bool:
    return bool(await dlq.count(channel, world.queue) >= n)


async def _applied(world: Any, siren: str, n: int) -> bool:
    return bool(await world.applied(siren) >= n)


async def _all_applied(world: Any, sirens: list[str]) -> bool:
    return all([await world.applied(s) >= 1 for s in sirens])
