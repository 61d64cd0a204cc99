"""Idempotency keys (one row per caller and key) and the answer given under each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from billing.repositories.records import StoredAnswer
from billing.tables import idempotency_keys


class IdempotencyRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def claim(self, principal: str, key: str, fingerprint: str, now: datetime) -> bool:
        """Take the key for this transaction; False when it was taken (a concurrent claim waits
        here until the one holding it commits or rolls back)."""
        result = await self.connection.execute(
            pg_insert(idempotency_keys)
            .values(principal=principal, key=key, fingerprint=fingerprint, created_at=now)
            .on_conflict_do_nothing(
                index_elements=[idempotency_keys.c.principal, idempotency_keys.c.key]
            )
            .returning(idempotency_keys.c.key)
        )
        return result.first() is not None

    async def answer(self, principal: str, key: str) -> StoredAnswer | None:
        row = (
            await self.connection.execute(
                sa.select(idempotency_keys).where(
                    idempotency_keys.c.principal == principal, idempotency_keys.c.key == key
                )
            )
        ).first()
        if row is None:
            return None
        return StoredAnswer(row.fingerprint, row.status, row.body)

    async def remember(self, principal: str, key: str, status: int, body: Any) -> None:
        await self.connection.execute(
            sa.update(idempotency_keys)
            .where(idempotency_keys.c.principal == principal, idempotency_keys.c.key == key)
            .values(status=status, body=body)
        )
