"""The outbox writer: events join the business transaction as rows, published later by the relay."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts.base import Event
from shared.contracts.envelope import Envelope
from shared.correlation import current_causation_id, current_correlation_id
from shared.messaging.tables import OUTBOX_CHANNEL

# One statement, one round trip, whatever the number of rows: the rows travel as arrays, and the
# relay is notified in the same statement (NOTIFY is delivered when the transaction commits).
_INSERT_AND_NOTIFY = text(
    "WITH inserted AS ("
    " INSERT INTO outbox (id, routing_key, event_type, payload, headers)"
    " SELECT id, routing_key, event_type, CAST(payload AS jsonb), CAST(headers AS jsonb)"
    " FROM unnest(CAST(:ids AS uuid[]), CAST(:routing_keys AS text[]),"
    " CAST(:event_types AS text[]), CAST(:payloads AS text[]), CAST(:headers AS text[]))"
    " AS r(id, routing_key, event_type, payload, headers)"
    f") SELECT pg_notify('{OUTBOX_CHANNEL}', '')"
)


def build_envelope(
    event: Event,
    *,
    aggregate_id: str,
    aggregate_version: int | None = None,
    correlation_id: str | None = None,
    causation_id: str | None = None,
    occurred_at: datetime | None = None,
) -> Envelope:
    return Envelope(
        message_id=uuid.uuid4(),
        event_type=event.event_type,
        event_version=event.event_version,
        occurred_at=occurred_at or datetime.now(UTC),
        producer=event.producer,
        aggregate_id=aggregate_id,
        aggregate_version=aggregate_version,
        correlation_id=correlation_id or current_correlation_id(),
        causation_id=causation_id if causation_id is not None else current_causation_id(),
        payload=event.model_dump(mode="json"),
    )


class OutboxWriter:
    """Collects the events of one transaction and writes them as outbox rows before commit."""

    def __init__(self) -> None:
        self._pending: list[tuple[Envelope, str]] = []

    def add(
        self,
        event: Event,
        *,
        aggregate_id: str,
        aggregate_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> Envelope:
        envelope = build_envelope(
            event,
            aggregate_id=aggregate_id,
            aggregate_version=aggregate_version,
            occurred_at=occurred_at,
        )
        self._pending.append((envelope, event.routing_key()))
        return envelope

    @property
    def pending(self) -> list[Envelope]:
        return [envelope for envelope, _ in self._pending]

    async def flush(self, connection: AsyncConnection) -> None:
        """Insert the collected rows in ``connection``'s transaction and notify the relay on commit."""
        if not self._pending:
            return
        pending = self._pending
        params: dict[str, Any] = {
            "ids": [envelope.message_id for envelope, _ in pending],
            "routing_keys": [routing_key for _, routing_key in pending],
            "event_types": [envelope.event_type for envelope, _ in pending],
            "payloads": [envelope.model_dump_json() for envelope, _ in pending],
            "headers": [json.dumps({"producer": envelope.producer}) for envelope, _ in pending],
        }
        await connection.execute(_INSERT_AND_NOTIFY, params)
        self._pending.clear()

    def discard(self) -> None:
        self._pending.clear()
