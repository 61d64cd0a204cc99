"""X3 in production: RS256 tokens verified against the identity provider's JWKS."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from shared.auth import Role, TokenVerifier
from shared.auth.tokens import InvalidTokenError
from shared.settings import AuthSettings

KID = "capmetiers-test-key"


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def jwks_url(signing_key: rsa.RSAPrivateKey) -> Iterator[str]:
    public = json.loads(RSAAlgorithm.to_jwk(signing_key.public_key()))
    body = json.dumps({"keys": [{**public, "kid": KID, "use": "sig", "alg": "RS256"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    server.shutdown()


def rs256_token(key: rsa.RSAPrivateKey, settings: AuthSettings, **claims: Any) -> str:
    payload = {
        "sub": "finance-officer",
        "roles": ["finance"],
        "iss": settings.issuer,
        "aud": settings.audience,
        "exp": datetime.now(UTC) + timedelta(minutes=5),
        **claims,
    }
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": KID})


def test_x3_rs256_token_signed_by_the_provider_is_accepted(
    signing_key: rsa.RSAPrivateKey, jwks_url: str
) -> None:
    settings = AuthSettings(algorithm="RS256", jwks_url=jwks_url)
    principal = TokenVerifier(settings).verify(rs256_token(signing_key, settings))
    assert principal.roles == frozenset({Role.FINANCE})
    assert principal.subject == "finance-officer"


def test_x3_rs256_token_signed_by_another_key_is_refused(jwks_url: str) -> None:
    settings = AuthSettings(algorithm="RS256", jwks_url=jwks_url)
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(InvalidTokenError):
        TokenVerifier(settings).verify(rs256_token(stranger, settings))


def test_x3_hs256_token_is_refused_when_rs256_is_configured(
    signing_key: rsa.RSAPrivateKey, jwks_url: str
) -> None:
    settings = AuthSettings(algorithm="RS256", jwks_url=jwks_url)
    forged = jwt.encode(
        {
            "sub": "x",
            "roles": ["staff"],
            "iss": settings.issuer,
            "aud": settings.audience,
            "exp": datetime.now(UTC) + timedelta(minutes=5),
        },
        "guessable-secret-of-sufficient-size",
        algorithm="HS256",
        headers={"kid": KID},
    )
    with pytest.raises(InvalidTokenError):
        TokenVerifier(settings).verify(forged)
