"""The calendar feeds' subscription links (X3): issue (or rotate), revoke, open by token."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from uuid import UUID

from booking.domain.feeds import FeedGrant, FeedKind, FeedScope, digest
from booking.handlers import reads
from booking.handlers.catalogue import resource
from booking.ports import FeedUoW
from shared.errors import NotFound

#: Random bytes of a token (256 bits, 43 URL-safe characters).
TOKEN_BYTES = 32


@dataclass(frozen=True)
class IssuedLink:
    grant: FeedGrant
    #: Shown once, to the caller that asked for it; only its digest is kept.
    token: str


async def issue(uow: FeedUoW, scope: FeedScope, *, by: str) -> IssuedLink:
    """A new token for the holder's view of a feed; the holder's earlier one stops working."""
    if scope.kind is FeedKind.RESOURCE:
        await resource(uow, UUID(scope.target))
    token = secrets.token_urlsafe(TOKEN_BYTES)
    grant = await uow.feed_tokens.put(scope, digest(token), at=uow.clock.now(), by=by)
    return IssuedLink(grant, token)


async def revoke(uow: FeedUoW, kind: FeedKind, target: str, holder: str) -> None:
    if not await uow.feed_tokens.delete(kind, target, holder):
        raise NotFound("Calendar feed link", target)


async def _grant(uow: FeedUoW, token: str, kind: FeedKind, target: str) -> FeedGrant:
    """The token's grant if it opens this feed; any other token is answered as if the feed
    did not exist (404), whatever it opens elsewhere."""
    grant = await uow.feed_tokens.find(digest(token))
    if grant is None or not grant.opens(kind, target):
        raise NotFound("Calendar feed", target)
    return grant


async def structure_feed(uow: FeedUoW, siren: str, token: str) -> bytes:
    await _grant(uow, token, FeedKind.STRUCTURE, siren)
    return await reads.structure_feed(uow, siren)


async def resource_feed(uow: FeedUoW, resource_id: UUID, token: str) -> bytes:
    grant = await _grant(uow, token, FeedKind.RESOURCE, str(resource_id))
    return await reads.resource_feed(uow, resource_id, detailed=grant.scope.detailed)
