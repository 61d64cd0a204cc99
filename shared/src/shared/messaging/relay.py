"""The outbox relay: publishes committed outbox rows to RabbitMQ, at least once.

Several relays may run on one outbox: each claims a batch with ``FOR UPDATE SKIP LOCKED``,
publishes it as persistent messages with publisher confirms and ``mandatory`` set (a message no
queue takes is returned and counts as a failure), marks what was confirmed, and backs off the
rest with the error kept in ``last_error``. A relay killed between publishing and marking leaves
its rows pending: they are published again, and the consumers' inbox makes that harmless.
It wakes on ``LISTEN outbox`` and polls as a fallback.

Failures are of two kinds. A message the broker refuses or returns (no queue bound to its routing
key) is the row's fault: its ``attempts`` grow, its ``last_error`` is kept and it waits
:func:`backoff_seconds` before the next try. A lost connection or a confirm that never comes is
the broker's: the rows are left untouched (pending, no attempt counted) and the relay reconnects.

It counts what it published and refused (``messaging_outbox_*_total``) and, every
``backlog_interval_s``, how many rows are pending and the age of the oldest. A row written under
a trace (its ``headers`` column holds a ``traceparent``) is published under a producer span,
child of that context, whose own context travels in the message's headers (with no tracer, the
stored context travels as it is).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import aio_pika
import asyncpg
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractExchange
from aio_pika.exceptions import AMQPError, ChannelInvalidStateError, DeliveryError
from opentelemetry.trace import Tracer

from shared.db import to_sync_url
from shared.messaging.tables import OUTBOX_CHANNEL
from shared.messaging.topology import Topology, declare_exchange
from shared.observability.metrics import RelayMetrics
from shared.observability.tracing import (
    TRACEPARENT,
    TRACESTATE,
    context_of,
    current_trace_headers,
    failed_span,
    publish_span,
)
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)

# The few envelope fields mirrored into AMQP properties are read by PostgreSQL, so the relay
# never parses a payload: it forwards the stored JSON text as the message body.
_CLAIM = """
SELECT id, routing_key, event_type, payload::text AS payload, attempts,
       payload->>'correlation_id' AS correlation_id,
       payload->>'occurred_at' AS occurred_at,
       headers->>'traceparent' AS traceparent, headers->>'tracestate' AS tracestate
FROM outbox
WHERE published_at IS NULL AND available_at <= now()
ORDER BY created_at, id
LIMIT $1
FOR UPDATE SKIP LOCKED
"""
_MARK_PUBLISHED = "UPDATE outbox SET published_at = now(), last_error = NULL WHERE id = ANY($1)"
_MARK_FAILED = """
UPDATE outbox AS o
SET attempts = o.attempts + 1,
    last_error = f.error,
    available_at = now() + make_interval(secs => f.delay)
FROM unnest($1::uuid[], $2::text[], $3::float8[]) AS f(id, error, delay)
WHERE o.id = f.id
"""
_PURGE = "DELETE FROM outbox WHERE published_at < now() - make_interval(days => $1)"
_BACKLOG = """
SELECT count(*) AS pending,
       COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS oldest_age
FROM outbox
WHERE published_at IS NULL
"""
MAX_BACKOFF_S = 60.0
#: A confirm not received within this time counts as a lost broker, not as a refused message.
PUBLISH_TIMEOUT_S = 30.0
#: What a lost or unreachable broker raises (``ChannelInvalidStateError`` is a RuntimeError).
BROKER_ERRORS: tuple[type[BaseException], ...] = (
    AMQPError,
    ChannelInvalidStateError,
    ConnectionError,
    OSError,
    TimeoutError,
)


def backoff_seconds(attempts: int) -> float:
    """Delay before a failed row is tried again: 1, 2, 4 ... seconds, at most a minute."""
    return float(min(2**attempts, MAX_BACKOFF_S))


@dataclass
class RelayStats:
    published: int = 0
    failed: int = 0
    batches: int = 0


class OutboxRelay:
    def __init__(
        self,
        settings: ServiceSettings,
        *,
        topology: Topology,
        app_id: str,
        batch_size: int | None = None,
        poll_interval_s: float | None = None,
        retention_days: int = 7,
        tracer: Tracer | None = None,
        backlog_interval_s: float = 10.0,
    ) -> None:
        """The relay of the service ``settings`` describe; ``batch_size`` and
        ``poll_interval_s`` default to its ``RELAY_*`` settings. With ``tracer``, each row
        written under a trace is published in a span of it."""
        self._dsn = to_sync_url(settings.database_url)
        self._amqp_url = settings.rabbitmq_url
        self._topology = topology
        self._app_id = app_id
        self._batch_size = batch_size or settings.relay_batch_size
        self._poll_interval_s = poll_interval_s or settings.relay_poll_interval_s
        self._retention_days = retention_days
        self._tracer = tracer
        self._backlog_interval_s = backlog_interval_s
        self._metrics = RelayMetrics.of(app_id)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        #: One connection of its own: a pool would reset it (a round trip) after every batch.
        self._db: asyncpg.Connection | None = None
        self._listener: asyncpg.Connection | None = None
        self._connection: AbstractConnection | None = None
        self._channel: AbstractChannel | None = None
        self._exchange: AbstractExchange | None = None
        self.stats = RelayStats()

    # -- lifecycle ---------------------------------------------------------------------------

    async def run(self) -> None:
        """Relay until :meth:`stop`; survives the broker or the database going away."""
        await self._open_database()
        last_purge = 0.0
        last_backlog = -self._backlog_interval_s
        loop = asyncio.get_running_loop()
        try:
            while not self._stopping.is_set():
                try:
                    if loop.time() - last_backlog >= self._backlog_interval_s:
                        last_backlog = loop.time()
                        await self.observe_backlog()
                    await self._ensure_broker()
                    published = await self.relay_once()
                    if loop.time() - last_purge > 3600:
                        await self._purge()
                        last_purge = loop.time()
                except BROKER_ERRORS as exc:
                    log.warning("relay: broker unavailable (%r); reconnecting", exc)
                    await self._close_broker()
                    await self._sleep(1.0)
                    continue
                except (asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                    log.warning("relay: database error (%r); retrying", exc)
                    await self._sleep(1.0)
                    continue
                except Exception:
                    # A bug must not stop the relay for good: rows stay pending, it tries again.
                    log.exception("relay: unexpected error; retrying")
                    await self._close_broker()
                    await self._sleep(1.0)
                    continue
                if published < self._batch_size:
                    await self._wait_for_work()
        finally:
            await self.close()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    def connected(self) -> bool:
        """Both its database connection and its broker connection are open (a liveness sign)."""
        return (
            self._db is not None
            and not self._db.is_closed()
            and self._connection is not None
            and not self._connection.is_closed
        )

    async def close(self) -> None:
        await self._close_broker()
        if self._listener is not None:
            with contextlib.suppress(Exception):
                await self._listener.close()
            self._listener = None
        await self._close_database()

    async def _open_database(self) -> None:
        await self._database()
        self._listener = await asyncpg.connect(self._dsn)
        await self._listener.add_listener(OUTBOX_CHANNEL, self._on_notify)

    async def _database(self) -> asyncpg.Connection:
        """The relay's connection, opened again if the database dropped it.

        Losing a relay commit in a database crash only means publishing its batch again, which
        the consumers' inbox absorbs: the relay need not wait for the WAL flush of each batch.
        """
        if self._db is None or self._db.is_closed():
            await self._close_database()
            self._db = await asyncpg.connect(
                self._dsn, server_settings={"synchronous_commit": "off"}
            )
        return self._db

    async def _close_database(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            with contextlib.suppress(Exception):
                await db.close()

    def _on_notify(self, *_: Any) -> None:
        self._wake.set()

    async def _ensure_broker(self) -> None:
        if self._exchange is not None and self._connection and not self._connection.is_closed:
            return
        await self._close_broker()
        self._connection = await aio_pika.connect(self._amqp_url)
        self._channel = await self._connection.channel(
            publisher_confirms=True, on_return_raises=True
        )
        self._exchange = await declare_exchange(self._channel, self._topology)

    async def _close_broker(self) -> None:
        connection, self._connection = self._connection, None
        self._channel = None
        self._exchange = None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.close()

    async def _wait_for_work(self) -> None:
        await self._sleep(self._poll_interval_s)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        self._wake.clear()

    async def _purge(self) -> None:
        await (await self._database()).execute(_PURGE, self._retention_days)

    async def observe_backlog(self) -> tuple[int, float]:
        """Count the pending rows and the age of the oldest into the relay's gauges."""
        row = await (await self._database()).fetchrow(_BACKLOG)
        assert row is not None
        pending, oldest_age = int(row["pending"]), float(row["oldest_age"])
        self._metrics.pending.set(pending)
        self._metrics.oldest_age.set(oldest_age)
        return pending, oldest_age

    # -- one batch ---------------------------------------------------------------------------

    async def relay_once(self) -> int:
        """Claim, publish and mark one batch; returns how many rows were published."""
        await self._ensure_broker()
        conn = await self._database()
        async with conn.transaction():
            rows = await conn.fetch(_CLAIM, self._batch_size)
            if not rows:
                return 0
            results = await asyncio.gather(
                *(self._publish(row) for row in rows), return_exceptions=True
            )
            published: list[UUID] = []
            failed_ids: list[UUID] = []
            errors: list[str] = []
            delays: list[float] = []
            broker_lost: BaseException | None = None
            for row, result in zip(rows, results, strict=True):
                if result is None:
                    published.append(row["id"])
                elif not isinstance(result, Exception):
                    raise result  # a cancellation: let it through
                elif isinstance(result, DeliveryError) or not isinstance(result, BROKER_ERRORS):
                    # Returned (unroutable), nacked, or a message that cannot even be encoded:
                    # the row's fault; back it off with its error, the rest of the batch goes on.
                    failed_ids.append(row["id"])
                    errors.append(_describe(result))
                    delays.append(backoff_seconds(row["attempts"]))
                else:
                    # The broker is gone (or a confirm never came): not the row's fault. The row
                    # stays pending with no attempt counted and goes out again on reconnection.
                    broker_lost = broker_lost or result
            if broker_lost is not None and not published and not failed_ids:
                raise broker_lost
            if published:
                await self._after_publish_before_mark(published)
                await conn.execute(_MARK_PUBLISHED, published)
            if failed_ids:
                await conn.execute(_MARK_FAILED, failed_ids, errors, delays)
                log.warning("relay: %d message(s) not published: %s", len(failed_ids), errors[0])
        self.stats.published += len(published)
        self.stats.failed += len(failed_ids)
        self.stats.batches += 1
        self._metrics.published.inc(len(published))
        if failed_ids:
            self._metrics.failed.inc(len(failed_ids))
        if broker_lost is not None:
            raise broker_lost
        return len(published)

    async def _after_publish_before_mark(self, published: Sequence[UUID]) -> None:
        """Hook called once a batch is confirmed by the broker and before it is marked published.

        A no-op. Fault tests override it to stop a relay at the one moment that makes it publish
        a message twice (after the broker has it, before the outbox knows), instead of guessing
        that moment with timers.
        """

    async def _publish(self, row: asyncpg.Record) -> None:
        if self._tracer is None or (parent := context_of(row)) is None:
            await self._send(build_message(row, self._app_id, _stored_trace(row)), row)
            return
        with publish_span(self._tracer, row["routing_key"], str(row["id"]), parent) as span:
            try:
                await self._send(build_message(row, self._app_id, current_trace_headers()), row)
            except Exception as exc:
                failed_span(span, exc)
                raise

    async def _send(self, message: aio_pika.Message, row: asyncpg.Record) -> None:
        assert self._exchange is not None
        await self._exchange.publish(
            message,
            routing_key=row["routing_key"],
            mandatory=True,
            timeout=PUBLISH_TIMEOUT_S,
        )


def _stored_trace(row: Mapping[str, Any]) -> dict[str, str] | None:
    if row.get(TRACEPARENT) is None:
        return None
    headers = {TRACEPARENT: row[TRACEPARENT]}
    if row.get(TRACESTATE) is not None:
        headers[TRACESTATE] = row[TRACESTATE]
    return headers


def build_message(
    row: Mapping[str, Any], app_id: str, headers: Mapping[str, str] | None = None
) -> aio_pika.Message:
    """The persistent AMQP message of a claimed outbox row; its body is the stored envelope.

    Its properties mirror the envelope as ``docs/events.md`` promises; the version travels in
    the routing key (``v<major>``) and the body. Its only headers are the trace context of a
    row written under a trace (W3C ``traceparent``/``tracestate``).
    """
    return aio_pika.Message(
        body=row["payload"].encode(),
        headers=dict(headers) if headers else None,
        content_type="application/json",
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        message_id=str(row["id"]),
        correlation_id=row["correlation_id"],
        type=row["event_type"],
        app_id=app_id,
        timestamp=_parse_time(row["occurred_at"]),
    )


def _parse_time(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    return datetime.fromisoformat(value)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, DeliveryError):
        frame = getattr(exc, "frame", None)
        reply = getattr(frame, "reply_text", None)
        return f"unroutable or refused by the broker: {reply or exc!r}"
    return f"{type(exc).__name__}: {exc}"
