"""What the messaging benchmark's processes share: the configuration each child process gets
(:class:`Role`), their signals and files to the orchestrator, and the paced driver (also used by
the other benchmarks)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shared.contracts import BeneficiaryAdded
from shared.settings import ServiceSettings

RABBITMQ_URL = os.environ.get("BENCH_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
ROUTING_KEY = BeneficiaryAdded.routing_key()
#: The business statements, the same in both pipelines (unless the kit's go through SQLAlchemy).
INSERT_STRUCTURE = "INSERT INTO structures (siren) VALUES ($1)"
INSERT_APPLIED = "INSERT INTO applied (message_id, siren) VALUES ($1, $2)"
PRODUCER_CONCURRENCY = 8
PREFETCH = 32
RELAY_BATCH = 200


# -- configuration passed to the child processes ------------------------------------------------


@dataclass
class Role:
    pipeline: str  # "kit" or "raw"
    producer_db: str  # asyncpg-dialect URLs
    consumer_db: str
    namespace: str
    workdir: str
    #: How the kit's producer and handler write their business row: "driver" (``uow.driver``,
    #: the same asyncpg statement as the raw pipeline) or "sqlalchemy" (``uow.connection``).
    business_sql: str = "driver"

    @property
    def raw_queue(self) -> str:
        return f"{self.namespace}.raw.on_beneficiary_added"

    def settings(self, database_url: str) -> ServiceSettings:
        return ServiceSettings(
            database_url=database_url,
            rabbitmq_url=RABBITMQ_URL,
            rabbitmq_namespace=self.namespace,
            consumer_prefetch=PREFETCH,
            relay_batch_size=RELAY_BATCH,
            log_level="WARNING",
            log_json=False,
        )

    def file(self, name: str) -> Path:
        return Path(self.workdir) / f"{self.pipeline}-{name}"


def role_from_env() -> Role:
    return Role(**json.loads(os.environ["BENCH_ROLE"]))


async def until_terminated() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


def write_times(path: Path, times: list[tuple[str, float]]) -> None:
    path.write_text(json.dumps(times))


def ready(role: Role, what: str) -> None:
    """Say the process is ready; SIGUSR1 will say the warm-up is over (see :func:`mark_start`)."""
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, lambda: mark_start(role, what))
    role.file(f"{what}.ready").write_text("")


def mark_start(role: Role, what: str) -> None:
    """Note the CPU time spent before the measure (start-up, warm-up): the report leaves it out."""
    role.file(f"{what}.start").write_text(str(time.process_time()))


def beneficiary(siren: str) -> BeneficiaryAdded:
    return BeneficiaryAdded(
        siren=siren, siret=siren + "00010", name="Bench", added_at=datetime.now(UTC)
    )


# -- producers --------------------------------------------------------------------------------


async def drive(
    indexes: range, rate: float | None, one: Callable[[int], Coroutine[Any, Any, None]]
) -> None:
    """Run ``one(i)`` for each i: flat out with a few concurrent tasks, or paced at ``rate``/s."""
    if rate is None:
        queue = iter(indexes)

        async def worker() -> None:
            for i in queue:
                await one(i)

        await asyncio.gather(*(worker() for _ in range(PRODUCER_CONCURRENCY)))
        return
    loop = asyncio.get_running_loop()
    start = loop.time()
    tasks: list[asyncio.Task[None]] = []
    for n, i in enumerate(indexes):
        delay = start + n / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)


@dataclass
class ProducerJob:
    count: int
    rate: float | None
    warmup: int
