"""The feeds' subscription tokens (their digests only)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from booking.domain.feeds import FeedGrant, FeedKind, FeedScope
from booking.tables import feed_tokens


class FeedTokenRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def put(
        self, scope: FeedScope, token_digest: bytes, *, at: datetime, by: str
    ) -> FeedGrant:
        """The holder's token of the feed, replacing any earlier one."""
        facts = {
            "token_sha256": token_digest,
            "detailed": scope.detailed,
            "created_at": at,
            "created_by": by,
        }
        statement = insert(feed_tokens).values(
            feed=scope.kind.value, target=scope.target, holder=scope.holder, **facts
        )
        await self._c.execute(
            statement.on_conflict_do_update(
                index_elements=[feed_tokens.c.feed, feed_tokens.c.target, feed_tokens.c.holder],
                set_=facts,
            )
        )
        return FeedGrant(scope, at)

    async def find(self, token_digest: bytes) -> FeedGrant | None:
        row = (
            (
                await self._c.execute(
                    sa.select(feed_tokens).where(feed_tokens.c.token_sha256 == token_digest)
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        scope = FeedScope(FeedKind(row["feed"]), row["target"], row["holder"], row["detailed"])
        return FeedGrant(scope, row["created_at"])

    async def delete(self, kind: FeedKind, target: str, holder: str) -> bool:
        result = await self._c.execute(
            sa.delete(feed_tokens).where(
                feed_tokens.c.feed == kind.value,
                feed_tokens.c.target == target,
                feed_tokens.c.holder == holder,
            )
        )
        return bool(result.rowcount)
