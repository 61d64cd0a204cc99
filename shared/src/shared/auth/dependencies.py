"""FastAPI dependencies enforcing role and structure scope (X3)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.auth.tokens import InvalidTokenError, Principal, Role, TokenVerifier
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

    def ensure_structure(self, siren: str) -> None:
        """A member sees and changes only its own structure; staff-side roles see every one."""
        if self.has(Role.STAFF, Role.BOARD, Role.FINANCE):
            return
        if self.principal.siren != siren:
            raise Problem(
                403,
                "X3",
                "Not your structure",
                f"This token is scoped to SIREN {self.principal.siren}; "
                f"it cannot act on SIREN {siren}.",
            )


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
