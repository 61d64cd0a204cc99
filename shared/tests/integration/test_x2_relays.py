"""X2 on the producing side: several relays, a relay killed mid-batch, unroutable messages."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from uuid import UUID

import aio_pika
import pytest
from sqlalchemy import text

from shared.contracts import BeneficiaryAdded
from shared.messaging.relay import OutboxRelay
from shared.messaging.topology import Topology, declare_exchange
from shared.testing.helpers import wait_until
from shared.testing.probe.kit import consumers, produce

pytestmark = pytest.mark.integration


async def produce_many(world: Any, sirens: Sequence[str], concurrency: int = 8) -> list[str]:
    """One business transaction per SIREN; returns the message ids of the committed events."""
    gate = asyncio.Semaphore(concurrency)

    async def one(siren: str) -> str:
        async with gate:
            return str((await produce(world.uow(), siren)).message_id)

    return list(await asyncio.gather(*(one(s) for s in sirens)))


class _StepRelay(OutboxRelay):
    """Runs ``on_first_batch`` between publishing and marking its first batch."""

    def __init__(self, on_first_batch: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_first_batch = on_first_batch
        self.first_batch: list[UUID] = []

    async def _after_publish_before_mark(self, published: Sequence[UUID]) -> None:
        if not self.first_batch:
            self.first_batch = list(published)
            await self._on_first_batch()


async def test_x2_two_relays_on_one_outbox_publish_each_row_exactly_once(probe_world) -> None:
    world = await probe_world("two_relays")
    await world.declare()
    expected = await produce_many(world, [f"{i:09d}" for i in range(500)])

    # Relay A stops with its first batch claimed (rows locked) until relay B has published a
    # batch of its own: B can only have taken other rows, which is what SKIP LOCKED promises.
    a_holds, b_published = asyncio.Event(), asyncio.Event()

    async def a_first() -> None:
        a_holds.set()
        await b_published.wait()

    async def b_first() -> None:
        b_published.set()

    relay_a = _StepRelay(a_first, **world.relay_arguments())
    relay_b = _StepRelay(b_first, **world.relay_arguments())
    task_a = asyncio.create_task(relay_a.run())
    await a_holds.wait()
    task_b = asyncio.create_task(relay_b.run())
    try:
        await wait_until(world.none_pending, within=60)
    finally:
        b_published.set()  # never leave relay A waiting, even when the test fails
        relay_a.stop()
        relay_b.stop()
        await asyncio.gather(task_a, task_b)

    delivered = Counter(await world.drain_tap())
    assert set(delivered) == set(expected), "every committed event is published"
    assert [mid for mid, n in delivered.items() if n != 1] == [], "no row is published twice"
    assert not set(relay_a.first_batch) & set(relay_b.first_batch)
    assert relay_a.stats.published > 0
    assert relay_b.stats.published > 0
    assert relay_a.stats.published + relay_b.stats.published == 500


async def test_x2_relay_killed_after_publish_before_mark_republishes_and_inbox_applies_once(
    probe_world, tmp_path: Path
) -> None:
    world = await probe_world("sigkill")
    await world.declare()
    sirens = [f"{i:09d}" for i in range(3)]
    expected = await produce_many(world, sirens)
    marker = tmp_path / "published-not-marked"
    env = {
        **os.environ,
        "DATABASE_URL": world.settings.database_url,
        "RABBITMQ_URL": world.settings.rabbitmq_url,
        "RABBITMQ_NAMESPACE": world.settings.rabbitmq_namespace,
        "LOG_JSON": "false",
    }
    duplicates_before = consumers.stats.duplicates
    async with world.consumer():
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "shared.testing.probe.relay_runner", str(marker), env=env
        )
        try:
            await wait_until(lambda: _exists(marker), within=60)
            # The broker has the batch and the consumer applied it; the outbox does not know.
            assert sorted(marker.read_text().split()) == sorted(expected)
            await wait_until(lambda: _all_applied(world, sirens), within=30)
            assert await world.pending() == 3
        finally:
            process.send_signal(signal.SIGKILL)
            await process.wait()
        assert process.returncode == -signal.SIGKILL

        relay = world.relay()
        task = asyncio.create_task(relay.run())
        try:
            await wait_until(world.none_pending, within=30)
        finally:
            relay.stop()
            await task
        # Each message arrives a second time and is acked as a duplicate, without effect.
        await wait_until(lambda: _duplicates_at_least(duplicates_before + 3), within=30)

    delivered = Counter(await world.drain_tap())
    assert {mid: delivered[mid] for mid in expected} == dict.fromkeys(expected, 2)
    for siren in sirens:
        assert await world.applied(siren) == 1
    assert await world.scalar("SELECT count(*) FROM inbox") == 3


async def test_x2_unroutable_publish_is_recorded_backed_off_and_delivered_once_routable(
    probe_world,
) -> None:
    world = await probe_world("unroutable")
    # No journal and no consumer queue: nothing is bound to the event's routing key.
    bare = Topology(namespace=world.settings.rabbitmq_namespace, with_journal=False)
    connection = await aio_pika.connect(world.settings.rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        exchange = await declare_exchange(channel, bare)
        envelope = await produce(world.uow(), "123456789")
        relay = world.relay(topology=bare)
        task = asyncio.create_task(relay.run())
        try:
            await wait_until(lambda: _attempts_at_least(world, 1), within=30)
            row = await _outbox_row(world)
            assert row["published_at"] is None, "a returned message is not marked published"
            assert "NO_ROUTE" in row["last_error"]
            assert row["available_at"] > row["created_at"], "the row is backed off"
            assert relay.stats.failed >= 1

            late = await channel.declare_queue(f"{bare.namespace}.late", durable=True)
            await late.bind(exchange, routing_key=BeneficiaryAdded.routing_key())
            await wait_until(world.none_pending, within=30)
        finally:
            relay.stop()
            await task
        message = await late.get(no_ack=True, fail=False)
        assert message is not None
        assert message.message_id == str(envelope.message_id)
        assert await late.get(no_ack=True, fail=False) is None
    row = await _outbox_row(world)
    assert row["published_at"] is not None
    assert row["last_error"] is None
    assert row["attempts"] >= 1


async def test_x2_a_row_that_cannot_be_published_is_backed_off_and_the_batch_goes_on(
    probe_world,
) -> None:
    """A message the client cannot even encode (here a correlation id over AMQP's 255 bytes) is
    the row's fault, not a lost broker: it is recorded and backed off, the others go out."""
    world = await probe_world("unencodable")
    await world.declare()
    bad = await produce(world.uow(), "111111118")
    good = await produce(world.uow(), "222222226")
    async with world.engine.connect() as connection:
        await connection.execute(
            text(
                "UPDATE outbox SET payload = jsonb_set(payload, '{correlation_id}',"
                " to_jsonb(repeat('é', 200))) WHERE id = :id"
            ),
            {"id": bad.message_id},
        )
    relay = world.relay()
    task = asyncio.create_task(relay.run())
    try:
        await wait_until(lambda: _attempts_at_least(world, 1), within=30)
        await wait_until(lambda: _has_delivered(world, str(good.message_id)), within=30)
    finally:
        relay.stop()
        await task
    assert str(bad.message_id) not in world.delivered
    error = await world.scalar("SELECT last_error FROM outbox WHERE id = :i", i=bad.message_id)
    assert "255" in error
    assert await world.pending() == 1


# -- helpers -----------------------------------------------------------------------------------


async def _has_delivered(world: Any, message_id: str) -> bool:
    return message_id in await world.drain_tap()


async def _exists(path: Path) -> bool:
    return await asyncio.to_thread(path.exists)


async def _all_applied(world: Any, sirens: Sequence[str]) -> bool:
    return all([await world.applied(s) >= 1 for s in sirens])


async def _attempts_at_least(world: Any, n: int) -> bool:
    return bool(await world.scalar("SELECT coalesce(max(attempts), 0) FROM outbox") >= n)


async def _outbox_row(world: Any) -> Any:
    async with world.engine.connect() as connection:
        from sqlalchemy import text

        return (await connection.execute(text("SELECT * FROM outbox"))).mappings().one()


async def _duplicates_at_least(n: int) -> bool:
    return consumers.stats.duplicates >= n
