"""X2 at any replica count: two worker processes on one queue leave each aggregate in the state
of its newest event.

A queue keeps no order across consumers: each process takes its share of the messages and
applies them concurrently, so the events of one aggregate reach the projection in any order.
The version guard (``projection=``) makes the handler order-independent; without it, an older
certificate applied last would stay. Here 20 structures get 6 versions each, published shuffled
with some twice; then, once all is applied, old versions again as new messages (as a retry that
comes back late would): the projection must hold each structure's version 6.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aio_pika
import pytest

from shared.contracts import Envelope
from shared.messaging.outbox import AggregateRef
from shared.testing.helpers import wait_until
from shared.testing.messaging import BrokerPeer
from shared.testing.probe.kit import CERTIFICATIONS, certification_changed

pytestmark = pytest.mark.integration

AGGREGATES = 20
VERSIONS = 6
WORKERS = 2


def certificate(siren: str, version: int) -> str:
    return f"Q-{siren}-v{version}"


@dataclass
class Workers:
    """Worker processes of one probe world, each writing its stats to its file when stopped."""

    world: Any
    processes: list[asyncio.subprocess.Process]
    stats_files: list[Path]

    async def stop(self) -> list[dict[str, int]]:
        """SIGTERM each: it finishes what it holds, stops, and writes its counts."""
        for process in self.processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            assert await asyncio.wait_for(process.wait(), timeout=60) == 0
        return [json.loads(path.read_text()) for path in self.stats_files]


@pytest.fixture
async def workers(probe_world: Any, tmp_path: Path) -> AsyncIterator[Workers]:
    """``WORKERS`` ``worker_runner`` processes consuming one probe world's queues."""
    world = await probe_world("replicas", consumer_concurrency=4, consumer_prefetch=16)
    await world.declare(tap=False)
    settings = world.settings
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "RABBITMQ_URL": settings.rabbitmq_url,
        "RABBITMQ_NAMESPACE": settings.rabbitmq_namespace,
        "CONSUMER_CONCURRENCY": str(settings.consumer_concurrency),
        "CONSUMER_PREFETCH": str(settings.consumer_prefetch),
        "CONSUMER_MAX_ATTEMPTS": str(settings.consumer_max_attempts),
        "CONSUMER_RETRY_DELAYS_MS": json.dumps(settings.consumer_retry_delays_ms),
        "LOG_JSON": "false",
    }
    stats_files = [tmp_path / f"worker-{n}.json" for n in range(WORKERS)]
    running = Workers(world, [], stats_files)
    try:
        for path in stats_files:
            running.processes.append(
                await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "shared.testing.probe.worker_runner", str(path), env=env
                )
            )
        for path, process in zip(stats_files, running.processes, strict=True):
            await wait_until(lambda p=path, pr=process: _ready(p, pr), within=60)
        yield running
    finally:
        for process in running.processes:
            if process.returncode is None:
                process.kill()
                await process.wait()


async def test_x2_two_workers_on_one_queue_leave_each_aggregate_at_its_newest_version(
    workers: Workers,
) -> None:
    world = workers.world
    sirens = [f"32{k:07d}" for k in range(AGGREGATES)]
    shuffle = random.Random(20261201)
    versions = [(siren, version) for siren in sirens for version in range(1, VERSIONS + 1)]
    shuffle.shuffle(versions)
    published = 0
    async with BrokerPeer.connect(world.settings) as peer:
        sent: list[Envelope] = []
        for siren, version in versions:
            event = certification_changed(siren, certificate(siren, version))
            sent.append(await peer.publish(event, aggregate=AggregateRef(siren, version)))
            published += 1
        for envelope in shuffle.sample(sent, 15):  # delivered twice
            await peer.publish(certification_changed(envelope.aggregate_id, None), envelope)
            published += 1
        await wait_until(lambda: _claimed(world, len(sent)), within=60)

        # Older versions once more, after the newest was applied: stale whatever the order.
        for siren in sirens:
            for version in (1, 3, 5):
                event = certification_changed(siren, certificate(siren, version))
                await peer.publish(event, aggregate=AggregateRef(siren, version))
                published += 1
        await wait_until(lambda: _claimed(world, len(sent) + 3 * AGGREGATES), within=60)
    await wait_until(lambda: _queue_empty(world), within=60)

    projected = dict(
        await _rows(world, "SELECT siren, certificate_number FROM certifications ORDER BY siren")
    )
    assert projected == {siren: certificate(siren, VERSIONS) for siren in sirens}
    recorded = dict(
        await _rows(
            world,
            "SELECT aggregate_id, version FROM aggregate_versions WHERE projection = $1",
            CERTIFICATIONS,
        )
    )
    assert recorded == dict.fromkeys(sirens, VERSIONS)

    stats = await workers.stop()
    assert all(s["applied"] + s["stale"] + s["duplicates"] > 0 for s in stats), (
        "both processes took their share of the queue"
    )
    total = {name: sum(s[name] for s in stats) for name in ("applied", "stale", "duplicates")}
    assert total["duplicates"] == 15
    assert total["stale"] >= 3 * AGGREGATES, "every late old version was dropped"
    assert total["applied"] + total["stale"] + total["duplicates"] == published
    assert sum(s["retried"] + s["dead_lettered"] for s in stats) == 0
    applied_rows = await _rows(
        world, "SELECT count(*) FROM applied WHERE consumer = $1", CERTIFICATIONS
    )
    assert applied_rows[0][0] == total["applied"]


# -- helpers -----------------------------------------------------------------------------------


async def _ready(path: Path, process: asyncio.subprocess.Process) -> bool:
    if process.returncode is not None:
        raise AssertionError(f"worker exited with {process.returncode}")
    return await asyncio.to_thread(path.with_name(path.name + ".ready").exists)


async def _rows(world: Any, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    import asyncpg

    from shared.db import to_sync_url

    connection = await asyncpg.connect(to_sync_url(world.settings.database_url))
    try:
        return [tuple(r) for r in await connection.fetch(sql, *args)]
    finally:
        await connection.close()


async def _claimed(world: Any, n: int) -> bool:
    """Every distinct message was claimed once in the inbox (applied or stale)."""
    [(count,)] = await _rows(
        world, "SELECT count(*) FROM inbox WHERE consumer LIKE $1", "%.on_qualiopi_%"
    )
    return bool(count >= n)


async def _queue_empty(world: Any) -> bool:
    """Nothing is left to deliver (what the workers hold, they finish before stopping)."""
    [queue] = [q for q in world.topology.queues if "qualiopi" in q.name]
    connection = await aio_pika.connect(world.settings.rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue.name, passive=True)
        return declared.declaration_result.message_count == 0
