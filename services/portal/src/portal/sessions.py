"""Server-side sessions, in this process's memory.

The browser holds only an opaque session id (a secure, HTTP-only, SameSite=Lax cookie); the
signed-in person's token, roles and CSRF token stay here. Memory is enough for one portal
process: a restart signs everyone out, and a second replica would need a shared store (or
sticky sessions) — the store is one class, so it can be replaced by one that keeps sessions
elsewhere without touching the pages.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from shared.auth import Role
from shared.clock import Clock

FlashKind = Literal["succes", "erreur", "info"]


@dataclass(frozen=True)
class SignedIn:
    """Who is signed in, and the token the services' APIs are called with."""

    subject: str
    name: str
    roles: frozenset[Role]
    siren: str | None
    token: str
    expires_at: datetime

    def has(self, *roles: Role) -> bool:
        return any(r in self.roles for r in roles)


@dataclass(frozen=True)
class PendingSignIn:
    """What an OpenID Connect sign-in in progress must find again at the callback."""

    state: str
    nonce: str
    code_verifier: str
    next_path: str


@dataclass(frozen=True)
class Flash:
    kind: FlashKind
    message: str


@dataclass
class Session:
    id: str
    csrf_token: str
    created_at: datetime
    seen_at: datetime
    user: SignedIn | None = None
    pending: PendingSignIn | None = None
    flashes: list[Flash] = field(default_factory=list)

    def flash(self, kind: FlashKind, message: str) -> None:
        self.flashes.append(Flash(kind, message))

    def take_flashes(self) -> list[Flash]:
        taken, self.flashes = self.flashes, []
        return taken


def _new_id() -> str:
    return secrets.token_urlsafe(32)


class SessionStore:
    """Sessions by id, dropped after ``idle`` without a request or ``lifetime`` in all."""

    def __init__(
        self, clock: Clock, *, idle: timedelta, lifetime: timedelta, max_sessions: int
    ) -> None:
        self._clock = clock
        self._idle = idle
        self._lifetime = lifetime
        self._max = max_sessions
        self._sessions: OrderedDict[str, Session] = OrderedDict()

    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, session_id: str | None) -> Session | None:
        """The live session of ``session_id``, touched; ``None`` if unknown or expired."""
        if not session_id:
            return None
        session = self._sessions.get(session_id)
        if session is None:
            return None
        now = self._clock.now()
        if now - session.seen_at > self._idle or now - session.created_at > self._lifetime:
            del self._sessions[session_id]
            return None
        if session.user is not None and session.user.expires_at <= now:
            session.user = None  # the token has expired: sign in again
        session.seen_at = now
        self._sessions.move_to_end(session_id)
        return session

    def new(self) -> Session:
        now = self._clock.now()
        session = Session(_new_id(), secrets.token_urlsafe(32), now, now)
        self._sessions[session.id] = session
        while len(self._sessions) > self._max:
            self._sessions.popitem(last=False)  # the least recently seen
        return session

    def renew(self, session: Session) -> Session:
        """A new id and CSRF token for a session whose privileges change (signing in or out),
        so that an id known before (session fixation) is worth nothing after."""
        self._sessions.pop(session.id, None)
        renewed = self.new()
        renewed.flashes = session.flashes
        return renewed

    def drop(self, session_id: str) -> None:
        self._sessions.pop(session_id, None)
