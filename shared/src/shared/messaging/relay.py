"""The outbox relay: publishes committed outbox rows to RabbitMQ, at least once.

Several relays may run on one outbox: each claims a batch with ``FOR UPDATE SKIP LOCKED``,
publishes it as persistent messages with publisher confirms and ``mandatory`` set (a message no
queue takes is returned and counts as a failure), marks what was confirmed, and backs off the
rest with the error kept in ``last_error``. A relay killed between publishing and marking leaves
its rows pending: they are published again, and the consumers' inbox makes that harmless.
It wakes on ``LISTEN outbox`` and polls as a fallback.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aio_pika
import asyncpg
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractExchange
from aio_pika.exceptions import DeliveryError

from shared.db import to_sync_url
from shared.messaging.tables import OUTBOX_CHANNEL
from shared.messaging.topology import Topology, declare_exchange

log = logging.getLogger(__name__)

_CLAIM = """
SELECT id, routing_key, event_type, payload::text AS payload, attempts
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
MAX_BACKOFF_S = 60.0


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
        *,
        database_url: str,
        rabbitmq_url: str,
        topology: Topology,
        app_id: str,
        batch_size: int = 200,
        poll_interval_s: float = 1.0,
        retention_days: int = 7,
    ) -> None:
        self._dsn = to_sync_url(database_url)
        self._amqp_url = rabbitmq_url
        self._topology = topology
        self._app_id = app_id
        self._batch_size = batch_size
        self._poll_interval_s = poll_interval_s
        self._retention_days = retention_days
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._pool: asyncpg.Pool | None = None
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
        loop = asyncio.get_running_loop()
        try:
            while not self._stopping.is_set():
                try:
                    await self._ensure_broker()
                    published = await self.relay_once()
                except (aio_pika.exceptions.AMQPError, ConnectionError, OSError) as exc:
                    log.warning("relay: broker unavailable (%s); reconnecting", exc)
                    await self._close_broker()
                    await self._sleep(1.0)
                    continue
                except (asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                    log.warning("relay: database error (%s); retrying", exc)
                    await self._sleep(1.0)
                    continue
                if loop.time() - last_purge > 3600:
                    await self._purge()
                    last_purge = loop.time()
                if published < self._batch_size:
                    await self._wait_for_work()
        finally:
            await self.close()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def close(self) -> None:
        await self._close_broker()
        if self._listener is not None:
            with contextlib.suppress(Exception):
                await self._listener.close()
            self._listener = None
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def _open_database(self) -> None:
        self._pool = await asyncpg.create_pool(self._dsn, min_size=1, max_size=2)
        self._listener = await asyncpg.connect(self._dsn)
        await self._listener.add_listener(OUTBOX_CHANNEL, self._on_notify)

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
        assert self._pool is not None
        await self._pool.execute(_PURGE, self._retention_days)

    # -- one batch ---------------------------------------------------------------------------

    async def relay_once(self) -> int:
        """Claim, publish and mark one batch; returns how many rows were published."""
        assert self._pool is not None
        await self._ensure_broker()
        async with self._pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(_CLAIM, self._batch_size)
            if not rows:
                return 0
            results = await asyncio.gather(
                *(self._publish(row) for row in rows), return_exceptions=True
            )
            published: list[Any] = []
            failed_ids: list[Any] = []
            errors: list[str] = []
            delays: list[float] = []
            broker_lost: BaseException | None = None
            for row, result in zip(rows, results, strict=True):
                if result is None:
                    published.append(row["id"])
                    continue
                if not isinstance(result, DeliveryError):
                    broker_lost = broker_lost or result
                failed_ids.append(row["id"])
                errors.append(_describe(result))
                delays.append(backoff_seconds(row["attempts"]))
            if broker_lost is not None and not published:
                # Nothing got through: the broker is gone, not the rows; retry them promptly.
                raise broker_lost
            if published:
                await conn.execute(_MARK_PUBLISHED, published)
            if failed_ids:
                await conn.execute(_MARK_FAILED, failed_ids, errors, delays)
                log.warning("relay: %d message(s) not published: %s", len(failed_ids), errors[0])
        self.stats.published += len(published)
        self.stats.failed += len(failed_ids)
        self.stats.batches += 1
        if broker_lost is not None:
            raise broker_lost
        return len(published)

    async def _publish(self, row: asyncpg.Record) -> None:
        assert self._exchange is not None
        body: str = row["payload"]
        envelope = json.loads(body)
        message = aio_pika.Message(
            body=body.encode(),
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            message_id=str(row["id"]),
            correlation_id=envelope.get("correlation_id"),
            type=row["event_type"],
            app_id=self._app_id,
            timestamp=_parse_time(envelope.get("occurred_at")),
            headers={
                "event_type": row["event_type"],
                "event_version": envelope.get("event_version"),
            },
        )
        await self._exchange.publish(message, routing_key=row["routing_key"], mandatory=True)


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
