"""Signing in at the identity provider: authorization code with PKCE (S256), the state and the
nonce of this sign-in, the ID token checked; the access token is the services' own."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from conftest import Browser, text
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from portal.app import create_app
from portal.settings import PortalSettings
from shared.auth import Role, mint_token

ISSUER = "https://idp.example.org/realms/capmetiers"


class FakeProvider:
    def __init__(self, settings: PortalSettings) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        self.settings = settings
        self.nonce = ""
        self.token_requests: list[dict[str, list[str]]] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/.well-known/openid-configuration"):
            return httpx.Response(
                200,
                json={
                    "issuer": ISSUER,
                    "authorization_endpoint": f"{ISSUER}/auth",
                    "token_endpoint": f"{ISSUER}/token",
                    "jwks_uri": f"{ISSUER}/certs",
                },
            )
        if path.endswith("/certs"):
            return httpx.Response(200, json=KeySet([self.key]).as_dict(private=False))
        form = parse_qs(request.content.decode())
        self.token_requests.append(form)
        id_token = jwt.encode(
            {"alg": "RS256", "kid": "k1"},
            {
                "iss": ISSUER,
                "aud": "portal",
                "sub": "u-42",
                "nonce": self.nonce,
                "exp": 4_102_444_800,
                "name": "Claire Dubois",
            },
            self.key,
        )
        access = mint_token(
            self.settings.auth, subject="u-42", roles=[Role.FINANCE], ttl=timedelta(hours=1)
        )
        return httpx.Response(200, json={"access_token": access, "id_token": id_token})


def _app() -> tuple[Any, FakeProvider]:
    settings = PortalSettings(
        oidc_issuer=ISSUER,
        oidc_client_id="portal",
        oidc_client_secret="s3cret",  # type: ignore[arg-type]
        oidc_redirect_url="https://portal.test/connexion/retour",
    )
    provider = FakeProvider(settings)
    return create_app(settings, transports={"oidc": httpx.MockTransport(provider.handle)}), provider


async def test_oidc_authorization_code_with_pkce_signs_the_person_in() -> None:
    app, provider = _app()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://portal.test"
    ) as client:
        start = await client.get("/connexion/agence", params={"suivant": "/finances/exports"})
        assert start.status_code == 303
        asked = parse_qs(urlsplit(start.headers["location"]).query)
        assert asked["code_challenge_method"] == ["S256"]
        assert asked["client_id"] == ["portal"]
        provider.nonce = asked["nonce"][0]

        wrong = await client.get("/connexion/retour", params={"code": "c", "state": "forged"})
        assert wrong.headers["location"] == "/connexion"
        assert provider.token_requests == [], "a forged state never reaches the provider"

        start = await client.get("/connexion/agence", params={"suivant": "/finances/exports"})
        asked = parse_qs(urlsplit(start.headers["location"]).query)
        provider.nonce = asked["nonce"][0]
        back = await client.get(
            "/connexion/retour", params={"code": "the-code", "state": asked["state"][0]}
        )
        assert back.status_code == 303
        assert back.headers["location"] == "/finances/exports"
        [exchange] = provider.token_requests
        verifier = exchange["code_verifier"][0]
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        assert challenge.rstrip(b"=").decode() == asked["code_challenge"][0]
        page = await Browser(client).get("/finances/exports")
        assert "Claire Dubois" in text(page)


async def test_oidc_an_id_token_for_another_sign_in_is_refused() -> None:
    app, provider = _app()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://portal.test"
    ) as client:
        start = await client.get("/connexion/agence")
        state = parse_qs(urlsplit(start.headers["location"]).query)["state"][0]
        provider.nonce = "a-nonce-of-another-sign-in"
        back = await client.get("/connexion/retour", params={"code": "c", "state": state})
        assert back.headers["location"] == "/connexion"
        refused = await Browser(client).get("/connexion")
        assert "La connexion n'a pas abouti" in text(refused)
