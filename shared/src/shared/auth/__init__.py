"""OAuth2 bearer JWT: who calls, with which role, for which structure (X3)."""

from shared.auth.dependencies import Caller, require_roles
from shared.auth.tokens import Role, TokenVerifier, mint_token

__all__ = ["Caller", "Role", "TokenVerifier", "mint_token", "require_roles"]
