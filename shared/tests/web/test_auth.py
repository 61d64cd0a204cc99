"""X3: every endpoint but health and docs needs a valid token; a member acts on its own SIREN."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Annotated

import httpx
import jwt
import pytest
from fastapi import Depends, FastAPI

from shared.auth import Caller, Role, TokenVerifier, mint_token, require_roles
from shared.auth.tokens import InvalidTokenError
from shared.problems import install_problem_handlers
from shared.settings import AuthSettings

SETTINGS = AuthSettings(secret="test-secret-for-unit-tests-only-32b")  # type: ignore[arg-type]
OWN, OTHER = "356000000", "732829320"


def token(*roles: Role, siren: str | None = None, **kwargs: object) -> str:
    return mint_token(SETTINGS, subject="someone", roles=list(roles), siren=siren, **kwargs)  # type: ignore[arg-type]


def hand_made_token(roles: list[str], key: str | None = None) -> str:
    """A token signed by hand, with claims ``mint_token`` would refuse to write."""
    claims = {
        "sub": "x",
        "roles": roles,
        "iss": SETTINGS.issuer,
        "aud": SETTINGS.audience,
        "exp": datetime.now(UTC) + timedelta(hours=1),
    }
    return jwt.encode(claims, key or SETTINGS.secret.get_secret_value(), algorithm="HS256")


def build_app() -> FastAPI:
    app = FastAPI()
    app.state.token_verifier = TokenVerifier(SETTINGS)
    install_problem_handlers(app)

    @app.get("/structures/{siren}")
    async def read(
        siren: str, caller: Annotated[Caller, Depends(require_roles(Role.MEMBER, Role.STAFF))]
    ) -> dict[str, str]:
        caller.ensure_structure(siren)
        return {"siren": siren}

    @app.post("/applications/{id}/approve")
    async def approve(
        id: str, caller: Annotated[Caller, Depends(require_roles(Role.BOARD))]
    ) -> dict[str, str]:
        return {"approved": id}

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


async def test_x3_member_reads_its_own_structure(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/structures/{OWN}", headers=bearer(token(Role.MEMBER, siren=OWN)))
    assert response.status_code == 200
    assert response.json() == {"siren": OWN}


async def test_x3_member_cannot_read_another_structure(client: httpx.AsyncClient) -> None:
    response = await client.get(
        f"/structures/{OTHER}", headers=bearer(token(Role.MEMBER, siren=OWN))
    )
    # the same answer as for a structure that does not exist: nothing is revealed
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"
    assert "siren" not in response.json()


async def test_x3_staff_reads_any_structure(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/structures/{OTHER}", headers=bearer(token(Role.STAFF)))
    assert response.status_code == 200


async def test_x3_wrong_role_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/applications/1/approve", headers=bearer(token(Role.STAFF)))
    assert response.status_code == 403
    assert response.json()["code"] == "X3"
    assert "board" in response.json()["detail"]


async def test_x3_missing_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/structures/{OWN}")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] == "X3"


async def test_x3_expired_token_is_401(client: httpx.AsyncClient) -> None:
    old = token(Role.STAFF, now=datetime.now(UTC) - timedelta(days=2), ttl=timedelta(hours=1))
    response = await client.get(f"/structures/{OWN}", headers=bearer(old))
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


async def test_x3_bad_signature_is_401(client: httpx.AsyncClient) -> None:
    forged = hand_made_token(["staff"], key="another-secret-of-the-same-length!!")
    response = await client.get(f"/structures/{OWN}", headers=bearer(forged))
    assert response.status_code == 401
    assert response.json()["code"] == "X3"


async def test_x3_garbage_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/structures/{OWN}", headers=bearer("not-a-jwt"))
    assert response.status_code == 401


def test_x3_member_token_without_siren_is_invalid() -> None:
    raw = hand_made_token(["member"])
    with pytest.raises(InvalidTokenError, match="SIREN"):
        TokenVerifier(SETTINGS).verify(raw)


def test_x3_token_with_no_known_role_is_invalid() -> None:
    raw = hand_made_token(["superuser"])
    with pytest.raises(InvalidTokenError, match="role"):
        TokenVerifier(SETTINGS).verify(raw)


def test_x3_token_for_another_audience_is_invalid() -> None:
    other = AuthSettings(secret=SETTINGS.secret, audience="someone-else")
    with pytest.raises(InvalidTokenError):
        TokenVerifier(SETTINGS).verify(mint_token(other, subject="x", roles=[Role.STAFF]))
