"""The idempotent inbox: a message is applied once per consumer, however often it arrives."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg

_CLAIM = (
    "INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1"
)


async def claim(driver: asyncpg.Connection, consumer: str, message_id: UUID) -> bool:
    """Record ``message_id`` for ``consumer`` in the unit of work's transaction.

    False means it was applied before (a duplicate): the caller acks and does nothing. The row
    commits or rolls back with the handler's own changes. ``driver`` is the unit of work's
    asyncpg connection (``uow.driver``).
    """
    return await driver.fetchval(_CLAIM, consumer, message_id) is not None


_CLAIM_MANY = (
    "INSERT INTO inbox (consumer, message_id) SELECT $1, unnest($2::uuid[])"
    " ON CONFLICT DO NOTHING RETURNING message_id"
)


async def claim_many(
    driver: asyncpg.Connection, consumer: str, message_ids: Sequence[UUID]
) -> set[UUID]:
    """:func:`claim` for many messages in one statement: those not applied before."""
    rows = await driver.fetch(_CLAIM_MANY, consumer, list(dict.fromkeys(message_ids)))
    return {UUID(str(row[0])) for row in rows}
