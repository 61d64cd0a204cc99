"""From a token the services accept to the person signed in to the portal."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import jwt

from portal.sessions import SignedIn
from shared.auth import TokenVerifier


async def signed_in_from(
    verifier: TokenVerifier, token: str, *, name: str | None = None
) -> SignedIn:
    """Check ``token`` as every service will (signature, issuer, audience, roles, a member's
    SIREN) and keep who it names; raises ``shared.auth.tokens.InvalidTokenError``."""
    principal = await verifier.verify_off_loop(token)
    # verified just above: read the expiry without checking the signature a second time
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return SignedIn(
        subject=principal.subject,
        name=name or str(claims.get("name") or principal.subject),
        roles=principal.roles,
        siren=principal.siren,
        token=token,
        expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
    )
