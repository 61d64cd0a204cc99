"""The outbox writer: events join the business transaction as rows, published later by the relay."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.base import Event
from shared.contracts.envelope import Envelope
from shared.correlation import current_causation_id, current_correlation_id
from shared.messaging.tables import OUTBOX_CHANNEL

_INSERT = text(
    "INSERT INTO outbox (id, routing_key, event_type, payload, headers) "
    "VALUES (:id, :routing_key, :event_type, CAST(:payload AS jsonb), CAST(:headers AS jsonb))"
)
_NOTIFY = text(f"SELECT pg_notify('{OUTBOX_CHANNEL}', '')")


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

    async def flush(self, session: AsyncSession) -> None:
        """Insert the collected rows in ``session``'s transaction and notify the relay on commit."""
        if not self._pending:
            return
        rows: list[dict[str, Any]] = [
            {
                "id": envelope.message_id,
                "routing_key": routing_key,
                "event_type": envelope.event_type,
                "payload": envelope.model_dump_json(),
                "headers": json.dumps({"producer": envelope.producer}),
            }
            for envelope, routing_key in self._pending
        ]
        await session.execute(_INSERT, rows)
        await session.execute(_NOTIFY)
        self._pending.clear()

    def discard(self) -> None:
        self._pending.clear()
