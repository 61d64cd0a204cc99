"""Request plumbing: the session cookie, CSRF protection, and the refusals pages raise."""

from __future__ import annotations

import secrets
from http.cookies import SimpleCookie
from typing import Annotated

from fastapi import Depends, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.sessions import Session, SessionStore, SignedIn
from shared.auth import Role

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class NeedsSignIn(Exception):
    """The page needs a signed-in person: off to the sign-in page, then back."""

    def __init__(self, next_path: str, message: str | None = None) -> None:
        super().__init__(next_path)
        self.next_path = next_path
        self.message = message


class Forbidden(Exception):
    """Signed in, but this page is for another role."""


class CsrfRefused(Exception):
    """An unsafe request without the session's CSRF token."""


class SessionMiddleware:
    """Finds the request's session from its cookie (or opens one) and sets the cookie when the
    session is new or renewed. The cookie carries the id only."""

    def __init__(
        self, app: ASGIApp, *, store: SessionStore, cookie_name: str, secure: bool, max_age: int
    ) -> None:
        self.app = app
        self.store = store
        self.cookie_name = cookie_name
        self.secure = secure
        self.max_age = max_age

    def _cookie_id(self, scope: Scope) -> str | None:
        for name, value in scope.get("headers") or []:
            if name == b"cookie":
                jar: SimpleCookie = SimpleCookie()
                try:
                    jar.load(value.decode("latin-1"))
                except Exception:
                    continue
                if self.cookie_name in jar:
                    return jar[self.cookie_name].value
        return None

    def _set_cookie(self, session_id: str) -> bytes:
        parts = [
            f"{self.cookie_name}={session_id}",
            "Path=/",
            f"Max-Age={self.max_age}",
            "HttpOnly",
            "SameSite=Lax",
        ]
        if self.secure:
            parts.append("Secure")
        return "; ".join(parts).encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent_id = self._cookie_id(scope)
        session = self.store.get(sent_id) or self.store.new()
        scope.setdefault("state", {})["session"] = session

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                current: Session = scope["state"]["session"]
                if current.id != sent_id:
                    headers = list(message.get("headers", []))
                    headers.append((b"set-cookie", self._set_cookie(current.id)))
                    message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def session_of(request: Request) -> Session:
    session: Session = request.state.session
    return session


def store_of(request: Request) -> SessionStore:
    store: SessionStore = request.app.state.sessions
    return store


def renew_session(request: Request) -> Session:
    """Give the session a new id and CSRF token (sign-in, sign-out)."""
    renewed = store_of(request).renew(session_of(request))
    request.state.session = renewed
    return renewed


CurrentSession = Annotated[Session, Depends(session_of)]


async def verify_csrf(request: Request) -> None:
    """Every unsafe request carries the session's CSRF token: a form in its hidden field, an
    htmx request in the ``X-CSRF-Token`` header. Without it: 403, nothing done."""
    if request.method not in _UNSAFE:
        return
    expected = session_of(request).csrf_token
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
    if not given or not secrets.compare_digest(given.encode(), expected.encode()):
        raise CsrfRefused()


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _path_of(request: Request) -> str:
    path = request.url.path
    return f"{path}?{request.url.query}" if request.url.query else path


def signed_in(request: Request) -> SignedIn:
    user = session_of(request).user
    if user is None:
        raise NeedsSignIn(_path_of(request) if request.method == "GET" else "/")
    return user


def require(*roles: Role) -> object:
    """A page for people holding one of ``roles``."""

    def dependency(user: Annotated[SignedIn, Depends(signed_in)]) -> SignedIn:
        if not user.has(*roles):
            raise Forbidden()
        return user

    return Depends(dependency)


User = Annotated[SignedIn, Depends(signed_in)]
Member = Annotated[SignedIn, require(Role.MEMBER)]
Board = Annotated[SignedIn, require(Role.BOARD)]
Staff = Annotated[SignedIn, require(Role.STAFF)]
Finance = Annotated[SignedIn, require(Role.FINANCE)]
BackOffice = Annotated[SignedIn, require(Role.STAFF, Role.FINANCE)]
BoardOrStaff = Annotated[SignedIn, require(Role.BOARD, Role.STAFF)]
#: Anyone of the agency: staff, the board, finance.
Agency = Annotated[SignedIn, require(Role.STAFF, Role.BOARD, Role.FINANCE)]


def safe_next(path: str | None) -> str:
    """Where to go after signing in: a path of this portal only (no open redirect)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path
