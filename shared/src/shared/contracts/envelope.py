"""The envelope around every event on the wire."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class Envelope(BaseModel):
    """What a consumer receives: metadata plus the event's ``payload``.

    ``message_id`` is the outbox row id: the key of idempotent consumption.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    message_id: UUID
    event_type: str
    event_version: int = Field(ge=1)
    occurred_at: datetime
    producer: str
    aggregate_id: str
    aggregate_version: int | None = None
    correlation_id: str
    causation_id: str | None = None
    payload: dict[str, Any]
