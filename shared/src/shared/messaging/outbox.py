"""The outbox writer: events join the business transaction as rows, published later by the relay."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg

from shared.clock import Clock, SystemClock
from shared.contracts.base import Event
from shared.contracts.envelope import Envelope
from shared.correlation import current_causation_id, current_correlation_id
from shared.messaging.tables import OUTBOX_CHANNEL
from shared.observability.tracing import current_trace_headers

# One statement, one round trip, whatever the number of rows: the rows travel as arrays, and the
# relay is notified in the same statement (NOTIFY is delivered when the transaction commits).
_INSERT_AND_NOTIFY = (
    "WITH inserted AS ("
    " INSERT INTO outbox (id, routing_key, event_type, payload)"
    " SELECT id, routing_key, event_type, payload::jsonb"
    " FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])"
    " AS r(id, routing_key, event_type, payload)"
    f") SELECT pg_notify('{OUTBOX_CHANNEL}', '')"
)
# The same, for rows written under a trace: their ``headers`` keep its context for the relay
# (a row written under none leaves the column's default, ``{}``).
_INSERT_TRACED_AND_NOTIFY = (
    "WITH inserted AS ("
    " INSERT INTO outbox (id, routing_key, event_type, payload, headers)"
    " SELECT id, routing_key, event_type, payload::jsonb, COALESCE(headers::jsonb, '{}')"
    " FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])"
    " AS r(id, routing_key, event_type, payload, headers)"
    f") SELECT pg_notify('{OUTBOX_CHANNEL}', '')"
)


@dataclass(frozen=True)
class AggregateRef:
    """The aggregate an event is about, at the version the event's transaction left it.

    ``version`` is the database's: the ``RETURNING version`` of the write that changed the
    aggregate (repositories put it on their records), never a literal. Consumers discard an
    event older than one they applied (:mod:`shared.messaging.versions`).
    """

    id: str
    version: int | None

    @classmethod
    def of(cls, aggregate_id: object, version: int | None) -> AggregateRef:
        return cls(str(aggregate_id), version)


def build_envelope(
    event: Event,
    *,
    aggregate: AggregateRef,
    occurred_at: datetime | None = None,
    correlation_id: str | None = None,
    causation_id: str | None = None,
) -> Envelope:
    """The envelope of ``event``; the outbox passes its clock's time, tests may let it default."""
    return Envelope(
        message_id=uuid.uuid4(),
        event_type=event.event_type,
        event_version=event.event_version,
        occurred_at=occurred_at or datetime.now(UTC),
        producer=event.producer,
        aggregate_id=aggregate.id,
        aggregate_version=aggregate.version,
        correlation_id=correlation_id or current_correlation_id(),
        causation_id=causation_id if causation_id is not None else current_causation_id(),
        payload=event.model_dump(mode="json"),
    )


class OutboxWriter:
    """Collects the events of one transaction and writes them as outbox rows before commit.

    Each row keeps the trace context current when its event was added (the request's or the
    consumed event's span), so that the relay and the consumers carry the same trace on.
    """

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock: Clock = clock or SystemClock()
        self._pending: list[tuple[Envelope, str]] = []
        #: The rows' ``headers`` (JSON), by position in ``_pending``; empty: none was traced.
        self._traces: dict[int, str] = {}

    def add(self, event: Event, aggregate: AggregateRef) -> Envelope:
        """Queue ``event`` about ``aggregate``; it occurs now, by the unit of work's clock."""
        envelope = build_envelope(event, aggregate=aggregate, occurred_at=self._clock.now())
        trace = current_trace_headers()
        if trace is not None:
            self._traces[len(self._pending)] = json.dumps(trace)
        self._pending.append((envelope, event.routing_key()))
        return envelope

    async def flush(self, driver: asyncpg.Connection) -> None:
        """Insert the collected rows in ``driver``'s transaction and notify the relay on commit."""
        if not self._pending:
            return
        pending = self._pending
        columns = (
            [envelope.message_id for envelope, _ in pending],
            [routing_key for _, routing_key in pending],
            [envelope.event_type for envelope, _ in pending],
            [envelope.model_dump_json() for envelope, _ in pending],
        )
        if self._traces:
            traces = [self._traces.get(i) for i in range(len(pending))]
            await driver.execute(_INSERT_TRACED_AND_NOTIFY, *columns, traces)
        else:
            await driver.execute(_INSERT_AND_NOTIFY, *columns)
        self.discard()

    def discard(self) -> None:
        self._pending.clear()
        self._traces.clear()

    def take(self) -> list[Envelope]:
        """The queued envelopes, removed (the in-memory unit of work's commit)."""
        taken = [envelope for envelope, _ in self._pending]
        self.discard()
        return taken
