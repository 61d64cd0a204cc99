"""Signing (local HS256) and verification (HS256 secret or RS256 via a JWKS URL) of tokens."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import jwt

from shared.settings import AuthSettings


class Role(StrEnum):
    MEMBER = "member"  # scoped to one SIREN
    STAFF = "staff"  # agency staff
    BOARD = "board"  # the administrators
    FINANCE = "finance"  # the finance team


class InvalidTokenError(Exception):
    """The token is missing, malformed, expired, badly signed, or carries no usable role."""


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[Role]
    siren: str | None

    def has(self, role: Role) -> bool:
        return role in self.roles


class TokenVerifier:
    def __init__(self, settings: AuthSettings) -> None:
        self._settings = settings
        self._jwks = jwt.PyJWKClient(settings.jwks_url) if settings.jwks_url else None

    async def verify_off_loop(self, token: str) -> Principal:
        """:meth:`verify` for a request handler: with a JWKS URL, verifying may fetch the keys
        over HTTP (synchronously, in PyJWT), so it runs in a thread instead of stalling every
        request the process serves."""
        if self._jwks is None:
            return self.verify(token)
        return await asyncio.to_thread(self.verify, token)

    def verify(self, token: str) -> Principal:
        settings = self._settings
        try:
            if self._jwks is not None:
                key: Any = self._jwks.get_signing_key_from_jwt(token).key
            else:
                key = settings.secret.get_secret_value()
            claims = jwt.decode(
                token,
                key,
                algorithms=[settings.algorithm],
                audience=settings.audience,
                issuer=settings.issuer,
                leeway=settings.leeway_seconds,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidTokenError("the token has expired") from None
        except jwt.PyJWTError as exc:
            raise InvalidTokenError(f"the token is not valid: {exc}") from None
        raw_roles = claims.get("roles", [])
        if not isinstance(raw_roles, list):
            raise InvalidTokenError("the token's roles claim must be a list")
        roles = frozenset(Role(r) for r in raw_roles if r in Role._value2member_map_)
        if not roles:
            raise InvalidTokenError("the token carries no known role")
        siren = claims.get("siren")
        if Role.MEMBER in roles and not (isinstance(siren, str) and len(siren) == 9):
            raise InvalidTokenError("a member token must carry the structure's SIREN")
        return Principal(subject=str(claims["sub"]), roles=roles, siren=siren)


def mint_token(
    settings: AuthSettings,
    *,
    subject: str,
    roles: list[Role],
    siren: str | None = None,
    ttl: timedelta = timedelta(hours=8),
    now: datetime | None = None,
) -> str:
    """A locally signed token (HS256): for development, tests and scripts."""
    issued = now or datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": subject,
        "roles": [r.value for r in roles],
        "iss": settings.issuer,
        "aud": settings.audience,
        "iat": issued,
        "exp": issued + ttl,
    }
    if siren is not None:
        claims["siren"] = siren
    return jwt.encode(claims, settings.secret.get_secret_value(), algorithm="HS256")
