"""Subscription links of the calendar feeds (X3).

A calendar application subscribes to a feed by its URL and sends no bearer token, so a feed may
also be opened by a secret token carried in its URL. A token opens one feed (a structure's or a
resource's) in one view (detailed, or busy times only), and belongs to one holder: the
structure for its members, each staff member for staff. Issuing a link again replaces the
holder's token (rotation); revoking it deletes it. Only the token's SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class FeedKind(StrEnum):
    STRUCTURE = "structure"
    RESOURCE = "resource"


@dataclass(frozen=True)
class FeedScope:
    """One feed as one holder sees it: ``target`` is the SIREN or the resource's id."""

    kind: FeedKind
    target: str
    holder: str
    #: The structure and the purpose of every booking (else busy times only).
    detailed: bool


@dataclass(frozen=True)
class FeedGrant:
    """What a stored token opens."""

    scope: FeedScope
    created_at: datetime

    def opens(self, kind: FeedKind, target: str) -> bool:
        return self.scope.kind is kind and self.scope.target == target


def digest(token: str) -> bytes:
    """What is stored of a token: its SHA-256 (a token is 256 random bits: no salt needed)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


def holder_of(siren_scope: str | None, subject: str) -> str:
    """A member's links are its structure's (any of its people may rotate or revoke them);
    a staff member's are its own."""
    return f"structure:{siren_scope}" if siren_scope is not None else f"staff:{subject}"
