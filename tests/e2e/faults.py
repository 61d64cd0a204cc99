"""What goes wrong during the fault suite's year, from a seed:

- :class:`Chaos`: every relay and every worker is killed once (SIGKILL, no goodbye) at a
  random moment of a random step, then started again after a random while, as a supervisor
  would; RabbitMQ is restarted once (``rabbitmqctl stop_app`` / ``start_app``) in the middle
  of a step, while the processes run; a poison message (not even JSON) is put on one
  consumer's queue.
- :class:`Duplicator`: every event reaches every queue twice. A queue of the test bound to
  every routing key of the platform's exchange hands each message back to the exchange once,
  the very same message (id, body, properties, routing key) marked with a header so that the
  copy is not copied again: each consumer queue gets the original and, a little later, its
  copy, as a publisher retrying after a lost confirm would send it. Nothing in the services
  knows of it; the consumers' inbox must make the second delivery harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

from shared.testing.helpers import wait_until
from tests.conftest import Platform
from tests.e2e.agency import SERVICES

COPY_HEADER = "x-test-copy"
POISON = b'{"message_id": "not an envelope", "payload": {'


class Duplicator:
    """Sends every event of ``platform``'s exchange to its queues a second time."""

    def __init__(self, platform: Platform) -> None:
        env = platform["membership"].env
        self._url = env["RABBITMQ_URL"]
        self._namespace = env["RABBITMQ_NAMESPACE"]
        self.queue = f"{self._namespace}.test-duplicates"
        self.copied = 0
        self._connection: aio_pika.abc.AbstractRobustConnection | None = None
        self._exchange: aio_pika.abc.AbstractExchange | None = None

    async def __aenter__(self) -> Duplicator:
        self._connection = await aio_pika.connect_robust(self._url, reconnect_interval=0.5)
        channel = await self._connection.channel(publisher_confirms=True)
        await channel.set_qos(prefetch_count=64)
        self._exchange = await channel.declare_exchange(
            f"{self._namespace}.events", aio_pika.ExchangeType.TOPIC, durable=True
        )
        queue = await channel.declare_queue(self.queue, durable=True)
        await queue.bind(self._exchange, routing_key="#")
        await queue.consume(self._copy)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._connection is not None:
            await self._connection.close()

    async def _copy(self, message: AbstractIncomingMessage) -> None:
        headers = dict(message.headers or {})
        try:
            if COPY_HEADER not in headers:
                assert self._exchange is not None
                await self._exchange.publish(
                    aio_pika.Message(
                        message.body,
                        headers={**headers, COPY_HEADER: 1},
                        content_type=message.content_type,
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                        message_id=message.message_id,
                        correlation_id=message.correlation_id,
                        type=message.type,
                        app_id=message.app_id,
                        timestamp=message.timestamp,
                    ),
                    routing_key=message.routing_key or "",
                    mandatory=True,
                )
                self.copied += 1
            await message.ack()
        except Exception:  # the broker went away: the message comes again, copied then
            with contextlib.suppress(Exception):
                await message.nack(requeue=True)


async def inject_poison(platform: Platform, queue: str, message_id: str) -> None:
    """A malformed message straight onto ``queue`` (the default exchange), persistent; tried
    again while the broker is away (it may be restarting)."""
    url = platform["membership"].env["RABBITMQ_URL"]

    async def published() -> bool:
        try:
            connection = await aio_pika.connect(url, timeout=5)
            async with connection:
                channel = await connection.channel(publisher_confirms=True)
                await channel.default_exchange.publish(
                    aio_pika.Message(
                        POISON,
                        message_id=message_id,
                        content_type="application/json",
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    ),
                    routing_key=queue,
                    mandatory=True,
                )
        except (aio_pika.exceptions.AMQPError, OSError, TimeoutError):
            return False
        return True

    await wait_until(published, within=120, interval=1.0)


@dataclass
class Chaos:
    """The faults of one year, all decided by ``seed`` before the year starts."""

    platform: Platform
    broker: Any  # shared.testing.servers.BrokerControl
    steps: list[str]
    seed: int
    poison_queue: str
    poison_id: str = "poison-0001"
    log: list[str] = field(default_factory=list)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        victims = [(s, p) for s in SERVICES for p in ("relay", "worker")]
        rng.shuffle(victims)
        # the first step only sets the catalogue up: nothing to disturb yet
        moments = sorted(rng.sample(range(1, len(self.steps)), len(victims)))
        self._kills: dict[int, list[tuple[str, str, float, float]]] = {}
        for moment, (service, process) in zip(moments, victims, strict=True):
            self._kills.setdefault(moment, []).append(
                (service, process, rng.uniform(0.0, 1.5), rng.uniform(0.2, 2.0))
            )
        middle = range(len(self.steps) // 3, 2 * len(self.steps) // 3)
        self._broker_restart = (rng.choice(middle), rng.uniform(0.0, 1.0))
        self._poison_at = rng.choice(range(1, len(self.steps)))

    async def between(self, step: str) -> None:
        """The agency's hook before ``step``: start what strikes during it."""
        index = self.steps.index(step)
        for service, process, delay, down in self._kills.get(index, []):
            self._spawn(self._kill(step, service, process, delay, down))
        if index == self._broker_restart[0]:
            self._spawn(self._restart_broker(step, self._broker_restart[1]))
        if index == self._poison_at:
            await inject_poison(self.platform, self.poison_queue, self.poison_id)
            self.log.append(f"{step}: poison on {self.poison_queue}")

    def _spawn(self, work: Any) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _kill(self, step: str, service: str, process: str, delay: float, down: float) -> None:
        await asyncio.sleep(delay)
        await self.platform[service].stop(process, signal.SIGKILL)
        self.log.append(f"{step}: {service} {process} killed")
        await asyncio.sleep(down)
        await self.platform[service].start(process)

    async def _restart_broker(self, step: str, delay: float) -> None:
        await asyncio.sleep(delay)
        self.log.append(f"{step}: broker stopping")
        await asyncio.to_thread(self.broker.restart)
        self.log.append(f"{step}: broker started again")

    async def settle(self) -> None:
        """Wait for every fault to be over: each process started again, the broker up."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks))
        for service in SERVICES:
            for process in ("api", "worker", "relay"):
                await self.platform[service].start(process)
