"""The idempotent inbox: a message is applied once per consumer, however often it arrives."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

_CLAIM = text(
    "INSERT INTO inbox (consumer, message_id) VALUES (:consumer, :message_id) "
    "ON CONFLICT DO NOTHING RETURNING 1"
)


async def claim(connection: AsyncConnection, consumer: str, message_id: UUID) -> bool:
    """Record ``message_id`` for ``consumer`` in the session's transaction.

    False means it was applied before (a duplicate): the caller acks and does nothing. The row
    commits or rolls back with the handler's own changes.
    """
    result = await connection.execute(_CLAIM, {"consumer": consumer, "message_id": message_id})
    return result.scalar_one_or_none() is not None
