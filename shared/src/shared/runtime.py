"""One service's wiring: settings, database, unit of work, consumers, relay, worker, app.

Each service builds a :class:`ServiceRuntime` in its ``service.py`` and exposes
``python -m <service> {api,worker,relay,migrate,all}``; nothing here knows a business rule.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Generic, TypeVar

import aio_pika
from faststream.rabbit import RabbitBroker
from opentelemetry.trace import Tracer

from shared.asyncapi import Document, service_document
from shared.clock import Clock, ShiftedClock, SystemClock
from shared.contracts.registry import REGISTRY, EventRegistry
from shared.db import create_engine, upgrade_to_head
from shared.held_connections import HoldingEngine
from shared.logging import configure_logging
from shared.messaging.consumers import EventConsumers
from shared.messaging.relay import OutboxRelay
from shared.messaging.topology import EVENTS, Topology, declare_topology
from shared.observability.metrics import serve_metrics
from shared.observability.tracing import Tracing
from shared.settings import ServiceSettings
from shared.unit_of_work import UnitOfWork

U = TypeVar("U", bound=UnitOfWork)
S = TypeVar("S", bound=ServiceSettings)
log = logging.getLogger(__name__)

#: How often a worker reads the depth of its DLQs into ``messaging_dlq_messages``.
DLQ_OBSERVE_INTERVAL_S = 15.0

#: A background job of the worker (a scheduler): runs until cancelled.
BackgroundJob = Callable[["ServiceRuntime[Any, Any]"], Coroutine[Any, Any, None]]


class UsageError(Exception):
    """A command's arguments make no sense (a date in the future...): exit 2 with the message."""


@dataclass(frozen=True)
class Command:
    """An operator command of a service, ``python -m <service> <name> [options]``: the CLI
    parses its options, configures logging, runs it and disposes of the runtime after."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    #: Returns the exit status; raises :class:`UsageError` for arguments it refuses.
    run: Callable[[ServiceRuntime[Any, Any], argparse.Namespace], Awaitable[int]]


@dataclass
class ServiceRuntime(Generic[S, U]):
    name: str
    version: str
    settings: S
    service_dir: Path
    consumers: EventConsumers[U]
    #: The service's unit of work on the runtime's engine and clock.
    make_uow: Callable[[HoldingEngine, Clock], U]
    background_jobs: Sequence[BackgroundJob] = field(default_factory=tuple)
    commands: Sequence[Command] = field(default_factory=tuple)
    #: Every time-dependent rule reads the date here; tests set a FixedClock.
    clock: Clock = field(default_factory=SystemClock)
    #: The events its outbox holds (those of :attr:`publications` it produces) and the exchange
    #: its relay publishes them to: the platform's, or the partner exchange.
    publications: EventRegistry = REGISTRY
    publishes_to: str = EVENTS

    def __post_init__(self) -> None:
        if isinstance(self.clock, SystemClock) and self.settings.dev_clock_file is not None:
            self.clock = ShiftedClock(self.settings.dev_clock_file)

    # -- observability -----------------------------------------------------------------------

    @cached_property
    def tracing(self) -> Tracing:
        """The service's traces (its API, relay and consumers): exported to
        ``OTEL_EXPORTER_OTLP_ENDPOINT``, off when it is unset. A test may set it, before it
        builds the app, the relay or the broker."""
        return Tracing.from_endpoint(
            self.name,
            self.version,
            self.settings.otel_exporter_otlp_endpoint,
            environment=self.settings.platform_environment,
        )

    @property
    def tracer(self) -> Tracer | None:
        """The tracer of the kit's spans (relay, consumers), ``None`` when tracing is off."""
        return self.tracing.tracer("shared.messaging")

    # -- database ----------------------------------------------------------------------------

    @cached_property
    def engine(self) -> HoldingEngine:
        return create_engine(
            self.settings.database_url,
            pool_size=self.settings.database_pool_size,
            max_overflow=self.settings.database_max_overflow,
        )

    def uow(self) -> U:
        """A unit of work for reading (leaving it rolls back); to change, use :meth:`transaction`."""
        return self.make_uow(self.engine, self.clock)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[U]:
        """The edge's unit of work: committed when the block ends, rolled back on any error.

        Use cases never commit; the API routes, the schedulers and operator commands call them
        inside this block (the consumer kit has its own, with the inbox claim).
        """
        async with self.uow() as uow:
            yield uow
            await uow.commit()

    def migrate(self) -> None:
        upgrade_to_head(self.service_dir, self.settings.database_url)

    async def dispose(self) -> None:
        if "engine" in self.__dict__:
            await self.engine.dispose()

    # -- messaging ---------------------------------------------------------------------------

    @property
    def topology(self) -> Topology:
        return self.consumers.topology(self.settings)

    def build_broker(self) -> RabbitBroker:
        return self.consumers.build_broker(self.settings, self.uow, tracer=self.tracer)

    @cached_property
    def asyncapi(self) -> Document:
        """The service's AsyncAPI document, as ``/asyncapi.json`` serves it."""
        return self.document()

    def document(self, namespace: str | None = None) -> Document:
        """The AsyncAPI document of the service's handlers' queues and of the events it
        publishes, for ``namespace`` (default: its own; ``docs/asyncapi/<service>.yaml`` is
        the one of the default namespace)."""
        settings = self.settings
        if namespace is not None:
            settings = settings.model_copy(update={"rabbitmq_namespace": namespace})
        return Document(
            service_document(
                service=self.name,
                version=self.version,
                namespace=settings.rabbitmq_namespace,
                consumed=self.consumers.consumed(settings),
                published=[s for s in self.publications if s.producer == self.name],
                publishes_to=self.publishes_to,
            )
        )

    async def declare_topology(self) -> None:
        connection = await aio_pika.connect(self.settings.rabbitmq_url)
        async with connection:
            await declare_topology(await connection.channel(), self.topology)

    def relay(self) -> OutboxRelay:
        return OutboxRelay(
            self.settings,
            topology=self.topology.publishing_to(self.publishes_to),
            app_id=self.name,
            retention_days=self.settings.outbox_retention_days,
            tracer=self.tracer,
        )

    # -- processes ---------------------------------------------------------------------------

    async def run_worker(self) -> None:
        """Consume this service's queues and run its schedulers until SIGINT/SIGTERM."""
        serve_metrics(self.settings.metrics_port, _host())
        await _retry_until_up(self.declare_topology, "RabbitMQ")
        broker = self.build_broker()
        await broker.start()
        scheduled = self.background_jobs if self.settings.worker_schedulers else ()
        jobs = [asyncio.create_task(job(self)) for job in scheduled]
        jobs.append(asyncio.create_task(self.heartbeat(lambda: broker.ping(timeout=5))))
        jobs.append(asyncio.create_task(self._observe_dead_letters(broker)))
        log.info("%s worker consuming %d queue(s)", self.name, len(self.topology.queues))
        try:
            await _until_signalled()
        finally:
            for job in jobs:
                job.cancel()
            await asyncio.gather(*jobs, return_exceptions=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.consumers.drain(broker), timeout=10)
            await broker.stop()
            await self.dispose()

    async def _observe_dead_letters(self, broker: RabbitBroker) -> None:
        while True:
            try:
                await self.consumers.observe_dead_letters(broker)
            except Exception as exc:  # the broker away: the gauges keep their last values
                log.debug("%s: DLQ depths not read: %r", self.name, exc)
            await asyncio.sleep(DLQ_OBSERVE_INTERVAL_S)

    async def run_relay(self) -> None:
        serve_metrics(self.settings.metrics_port, _host())
        relay = self.relay()
        task = asyncio.create_task(relay.run())
        log.info("%s relay started", self.name)

        async def relaying() -> bool:
            return relay.connected()

        heartbeat = asyncio.create_task(self.heartbeat(relaying))
        stopper = asyncio.create_task(_until_signalled())
        await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
        relay.stop()
        await task
        stopper.cancel()
        heartbeat.cancel()

    async def heartbeat(self, alive: Callable[[], Awaitable[bool]]) -> None:
        """Touch ``settings.heartbeat_file`` while ``alive()`` says the process does its work."""
        path = self.settings.heartbeat_file
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            try:
                if await alive():
                    path.touch()
            except Exception:  # a probe that fails only leaves the file to age
                log.debug("%s: heartbeat check failed", self.name, exc_info=True)
            await asyncio.sleep(self.settings.heartbeat_max_age_s / 3)

    def run_api(self, app_path: str) -> None:
        import uvicorn

        port = int(os.environ.get("PORT", "8000"))
        uvicorn.run(
            app_path,
            host=_host(),
            port=port,
            log_config=None,
            access_log=False,
        )

    def cli(self, argv: list[str] | None = None) -> None:
        parser = argparse.ArgumentParser(prog=f"python -m {self.name}")
        commands = parser.add_subparsers(dest="command", required=True)
        for name in ("api", "worker", "relay", "migrate"):
            commands.add_parser(name)
        dlq = commands.add_parser("dlq", help="list, show or replay dead-lettered messages")
        dlq_commands = dlq.add_subparsers(dest="dlq_command", required=True)
        dlq_commands.add_parser("list")
        show = dlq_commands.add_parser("show")
        show.add_argument("queue", help="handler name (on_invoice_paid) or full queue name")
        show.add_argument("--limit", type=int, default=100)
        replay = dlq_commands.add_parser("replay")
        replay.add_argument("queue")
        replay.add_argument("--message-id", default=None)
        own = {c.name: (c, commands.add_parser(c.name, help=c.help)) for c in self.commands}
        for command, command_parser in own.values():
            command.add_arguments(command_parser)
        args = parser.parse_args(argv)
        configure_logging(self.name, self.settings.log_level, json_logs=self.settings.log_json)
        if args.command in own:
            command, command_parser = own[args.command]
            try:
                raise SystemExit(asyncio.run(self._run_command(command, args)))
            except UsageError as exc:
                command_parser.error(str(exc))
        if args.command == "dlq":
            from shared.messaging.dlq import run_command

            raise SystemExit(
                asyncio.run(run_command(self.settings.rabbitmq_url, self.topology, args))
            )
        if args.command == "migrate":
            self.migrate()
        elif args.command == "worker":
            asyncio.run(self.run_worker())
        elif args.command == "relay":
            asyncio.run(self.run_relay())
        else:
            self.run_api(f"{self.name}.app:app")

    async def _run_command(self, command: Command, args: argparse.Namespace) -> int:
        try:
            return await command.run(self, args)
        finally:
            await self.dispose()


def every(
    seconds: float, task: Callable[[ServiceRuntime[Any, Any]], Awaitable[object]]
) -> BackgroundJob:
    """A worker job running ``task`` now and then every ``seconds``; a failure is logged, not fatal.

    Scheduled tasks must be idempotent: re-running one for a day already done changes nothing.
    """

    async def job(runtime: ServiceRuntime[Any, Any]) -> None:
        while True:
            try:
                await task(runtime)
            except Exception:
                log.exception("%s: scheduled task %s failed", runtime.name, task.__name__)
            await asyncio.sleep(seconds)

    job.__name__ = f"every_{int(seconds)}s_{task.__name__}"
    return job


def _host() -> str:
    """Where the process listens (its API, or its metrics): ``HOST``, else the loopback."""
    return os.environ.get("HOST", "127.0.0.1")


async def _until_signalled() -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def _retry_until_up(action: Callable[[], Awaitable[None]], what: str) -> None:
    delay = 0.5
    while True:
        try:
            await action()
            return
        except (OSError, aio_pika.exceptions.AMQPError) as exc:
            log.warning("%s not reachable (%s); retrying in %.1fs", what, exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10)
