"""Signing in at the agency's identity provider: OpenID Connect, authorization code with PKCE.

authlib builds the authorization request (state, S256 code challenge) and parses the callback;
the ID token is checked with joserfc (the key set the provider publishes, issuer, audience,
expiry, the nonce of this sign-in). The access token is what the services accept: the portal
reads the person's roles and structure from it the way the services do.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from portal.sessions import PendingSignIn
from portal.settings import PortalSettings

#: The discovery document and the key set are fetched again after this many seconds.
METADATA_TTL_S = 3600.0
ID_TOKEN_ALGORITHMS = ("RS256", "PS256", "ES256", "EdDSA")


class SignInFailed(Exception):
    """The provider's answer cannot sign anyone in (wrong state, bad token, provider down)."""


@dataclass(frozen=True)
class ProviderTokens:
    access_token: str
    id_claims: dict[str, Any]


class OidcClient:
    def __init__(self, settings: PortalSettings, http: httpx.AsyncClient) -> None:
        if not settings.oidc_configured:
            raise ValueError("OpenID Connect is not configured")
        self.settings = settings
        self.http = http
        self._metadata: dict[str, Any] | None = None
        self._keys: KeySet | None = None
        self._fetched_at = 0.0

    @property
    def issuer(self) -> str:
        return str(self.settings.oidc_issuer).rstrip("/")

    async def _get(self, url: str) -> dict[str, Any]:
        try:
            response = await self.http.get(url)
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SignInFailed(f"the identity provider does not answer: {exc}") from None
        if not isinstance(body, dict):
            raise SignInFailed(f"{url} is not a JSON object")
        return body

    async def metadata(self) -> dict[str, Any]:
        if self._metadata is None or time.monotonic() - self._fetched_at > METADATA_TTL_S:
            metadata = await self._get(f"{self.issuer}/.well-known/openid-configuration")
            if str(metadata.get("issuer", "")).rstrip("/") != self.issuer:
                raise SignInFailed("the discovery document names another issuer")
            self._keys = KeySet.import_key_set(await self._get(str(metadata["jwks_uri"])))  # type: ignore[arg-type]
            self._metadata = metadata
            self._fetched_at = time.monotonic()
        return self._metadata

    async def start(self, next_path: str) -> tuple[str, PendingSignIn]:
        """The provider's authorization URL, and what the callback must find again."""
        metadata = await self.metadata()
        pending = PendingSignIn(
            state=generate_token(32),
            nonce=generate_token(32),
            code_verifier=generate_token(64),
            next_path=next_path,
        )
        url = prepare_grant_uri(
            metadata["authorization_endpoint"],
            client_id=self.settings.oidc_client_id,
            response_type="code",
            redirect_uri=self.settings.oidc_redirect_url,
            scope=self.settings.oidc_scope,
            state=pending.state,
            nonce=pending.nonce,
            code_challenge=create_s256_code_challenge(pending.code_verifier),
            code_challenge_method="S256",
        )
        return str(url), pending

    async def finish(
        self, pending: PendingSignIn, *, code: str | None, state: str | None
    ) -> ProviderTokens:
        """Exchange the callback's code (with the PKCE verifier) and check the ID token."""
        if not code or not state or state != pending.state:
            raise SignInFailed("the callback does not match the sign-in in progress")
        metadata = await self.metadata()
        secret = self.settings.oidc_client_secret
        try:
            response = await self.http.post(
                metadata["token_endpoint"],
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": self.settings.oidc_redirect_url,
                    "code_verifier": pending.code_verifier,
                },
                auth=(
                    str(self.settings.oidc_client_id),
                    secret.get_secret_value() if secret else "",
                ),
                headers={"Accept": "application/json"},
            )
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SignInFailed(f"the token endpoint does not answer: {exc}") from None
        if response.status_code != 200 or not isinstance(body, dict):
            raise SignInFailed(f"the token endpoint refused the code: {response.status_code}")
        access, id_token = body.get("access_token"), body.get("id_token")
        if not isinstance(access, str) or not isinstance(id_token, str):
            raise SignInFailed("the provider sent no access token or no ID token")
        return ProviderTokens(access, self.id_claims(id_token, pending.nonce))

    def id_claims(self, id_token: str, nonce: str) -> dict[str, Any]:
        assert self._keys is not None
        assert self._metadata is not None
        try:
            token = jwt.decode(id_token, self._keys, algorithms=list(ID_TOKEN_ALGORITHMS))
            jwt.JWTClaimsRegistry(
                leeway=30,
                iss={"essential": True, "value": str(self._metadata["issuer"])},
                aud={"essential": True, "value": str(self.settings.oidc_client_id)},
                nonce={"essential": True, "value": nonce},
                exp={"essential": True},
                sub={"essential": True},
            ).validate(token.claims)
        except (JoseError, ValueError) as exc:
            raise SignInFailed(f"the ID token is not valid: {exc}") from None
        return dict(token.claims)
