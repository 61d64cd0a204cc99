"""FastAPI dependencies enforcing role and structure scope (X3)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.auth.tokens import InvalidTokenError, Principal, Role, TokenVerifier
from shared.errors import NotFound
from shared.problems import Problem

_bearer = HTTPBearer(auto_error=False, description="A JWT issued for the Cap Métiers platform")


@dataclass(frozen=True)
class Caller:
    """The authenticated caller of a request."""

    principal: Principal

    @property
    def siren(self) -> str | None:
        return self.principal.siren

    def has(self, *roles: Role) -> bool:
        return any(self.principal.has(r) for r in roles)

    def sees_every_structure(self) -> bool:
        return self.has(Role.STAFF, Role.BOARD, Role.FINANCE)

    def may_see(self, siren: str) -> bool:
        """X3: staff-side roles see every structure; a member only the SIREN of its token."""
        return self.sees_every_structure() or self.principal.siren == siren

    def ensure_structure(self, siren: str, what: str = "Structure") -> None:
        """X3: a member asking for another structure's data is answered as if it did not exist
        (404), the same in every service, so that it learns nothing of it."""
        if not self.may_see(siren):
            raise NotFound(what, siren)


def _verifier(request: Request) -> TokenVerifier:
    verifier = getattr(request.app.state, "token_verifier", None)
    if verifier is None:
        raise RuntimeError("app.state.token_verifier is not configured")
    assert isinstance(verifier, TokenVerifier)
    return verifier


async def authenticated(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Problem(
            401,
            "X3",
            "Authentication required",
            "Send a bearer token in the Authorization header.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        principal = await _verifier(request).verify_off_loop(credentials.credentials)
    except InvalidTokenError as exc:
        raise Problem(
            401, "X3", "Invalid token", str(exc), headers={"WWW-Authenticate": "Bearer"}
        ) from None
    return Caller(principal)


def require_roles(*roles: Role) -> Callable[..., Awaitable[Caller]]:
    """Dependency: the caller holds at least one of ``roles``."""

    async def dependency(caller: Annotated[Caller, Depends(authenticated)]) -> Caller:
        if not caller.has(*roles):
            allowed = ", ".join(r.value for r in roles)
            raise Problem(
                403,
                "X3",
                "Role not allowed",
                f"This operation needs one of the roles: {allowed}.",
            )
        return caller

    return dependency
