"""The year's platform: the four services as processes (``tests.conftest.run_platform``) on a
platform clock of their own, and what the year's tests read of the broker: which queues are
consumed, which are idle, what the DLQs hold; and the services' operator commands."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path
from typing import Any

import aio_pika

from shared.clock import set_shifted_clock
from shared.messaging.topology import ConsumerQueue
from shared.settings import ServiceSettings
from shared.testing.helpers import wait_until
from tests.conftest import ROOT, Platform, run_platform
from tests.e2e.agency import SERVICES, YEAR


@contextlib.asynccontextmanager
async def year_platform(
    label: str, servers: Any, migrated_database: Any, log_dir: Path
) -> AsyncIterator[tuple[Platform, Path]]:
    """The four services of a year, every process on the clock file it yields (set to the
    year's first day before they start). The scheduled jobs are off: the year's staff and
    finance run them for the day they mean (as the CronJobs of deploy/k8s do), so that a
    restarted worker never runs one for a day the year has not reached yet."""
    clock = log_dir / "platform-clock"
    set_shifted_clock(clock, datetime(YEAR, 1, 1, 9, tzinfo=UTC))
    env = {"DEV_CLOCK_FILE": str(clock), "WORKER_SCHEDULERS": "false"}
    async with run_platform(
        SERVICES, servers, migrated_database, log_dir, label=label, env=env, ready_within=180
    ) as platform:
        await wait_consuming(platform)
        yield platform, clock


def topology_queues(platform: Platform, service: str) -> list[ConsumerQueue]:
    """The consumer queues of ``service`` on the platform's namespace."""
    env = platform[service].env
    settings = ServiceSettings(
        rabbitmq_namespace=env["RABBITMQ_NAMESPACE"],
        consumer_retry_delays_ms=json.loads(env["CONSUMER_RETRY_DELAYS_MS"]),
    )
    consumers = import_module(f"{service}.consumers").consumers
    return list(consumers.topology(settings).queues)


async def _queue_counts(url: str, names: list[str]) -> dict[str, tuple[int, int]]:
    """(messages ready, consumers) of each queue; (-1, 0) for one not declared yet."""
    counts: dict[str, tuple[int, int]] = {}
    connection = await aio_pika.connect(url)
    async with connection:
        for name in names:
            channel = await connection.channel()
            try:
                queue = await channel.declare_queue(name, passive=True)
            except aio_pika.exceptions.ChannelClosed:
                counts[name] = (-1, 0)
                continue
            result = queue.declaration_result
            counts[name] = (result.message_count or 0, result.consumer_count or 0)
            await channel.close()
    return counts


async def wait_consuming(platform: Platform, within: float = 120.0) -> None:
    """Every worker consumes every queue of its service: an event published from now on reaches
    each of its consumers (before, a queue not declared yet would miss it)."""
    names = [q.name for s in SERVICES for q in topology_queues(platform, s)]
    url = platform["membership"].env["RABBITMQ_URL"]

    async def consumed() -> bool:
        counts = await _queue_counts(url, names)
        return all(consumers > 0 for _, consumers in counts.values())

    await wait_until(consumed, within=within, interval=0.5)


async def idle(platform: Platform, extra: tuple[str, ...] = ()) -> bool:
    """No message waits in any consumer queue, retry queue or ``extra`` queue."""
    names = list(extra)
    for service in SERVICES:
        for q in topology_queues(platform, service):
            names += [q.name, *(q.retry_queue(d) for d in q.retry_delays_ms)]
    counts = await _queue_counts(platform["membership"].env["RABBITMQ_URL"], names)
    return all(ready == 0 for ready, _ in counts.values())


async def cli(platform: Platform, service: str, *args: str) -> str:
    """``python -m <service> <args>`` with the service's settings; its standard output."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        service,
        *args,
        env=platform[service].env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode == 0, f"{service} {' '.join(args)}: {err.decode()[-2000:]}"
    return out.decode()


async def dead_letters(platform: Platform) -> dict[str, int]:
    """Every DLQ of the platform's consumers that holds a message, with how many."""
    names = [q.dlq for s in SERVICES for q in topology_queues(platform, s)]
    counts = await _queue_counts(platform["membership"].env["RABBITMQ_URL"], names)
    return {name: ready for name, (ready, _) in counts.items() if ready}
