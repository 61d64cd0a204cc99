"""Every error is an RFC 9457 problem with a stable code; never a bare 500 or HTML page."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, Field

from shared.errors import Conflict, NotFound
from shared.problems import install_problem_handlers
from shared.webapp import CorrelationMiddleware


class Application(BaseModel):
    plan: str = Field(pattern="^(simple|premium)$")
    year: int = Field(ge=2000, le=2100)


def build_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(CorrelationMiddleware)

    @app.post("/applications")
    async def apply(body: Application) -> dict[str, str]:
        if body.year == 2024:
            raise Conflict("Applications for 2024 are closed.", rule="M6")
        return {"plan": body.plan}

    @app.get("/invoices/{number}")
    async def invoice(number: str) -> dict[str, str]:
        raise NotFound("Invoice", number)

    @app.get("/boom")
    async def boom() -> dict[str, str]:
        raise RuntimeError("database exploded")

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


async def test_rule_violation_carries_the_rule_id(client: httpx.AsyncClient) -> None:
    response = await client.post("/applications", json={"plan": "simple", "year": 2024})
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "M6"
    assert body["status"] == 409
    assert body["detail"] == "Applications for 2024 are closed."
    assert body["instance"] == "/applications"


async def test_validation_error_is_a_422_problem_listing_each_field(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/applications", json={"plan": "gold", "year": 1900})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation"
    locations = {e["location"] for e in body["errors"]}
    assert locations == {"body.plan", "body.year"}


async def test_malformed_json_is_a_problem_not_a_500(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/applications", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation"


async def test_a_json_body_not_in_utf8_is_a_validation_problem_like_malformed_json(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/applications", content=b"\xf1e", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "validation"
    assert [e["location"] for e in body["errors"]] == ["body"]
    assert "UTF-8" in body["detail"]


async def test_unknown_resource_and_route_are_404_problems(client: httpx.AsyncClient) -> None:
    known = await client.get("/invoices/FA-2025-00009")
    assert known.status_code == 404
    assert known.json()["code"] == "not_found"
    unknown = await client.get("/nowhere")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"


async def test_unexpected_error_is_a_problem_without_internals(client: httpx.AsyncClient) -> None:
    response = await client.get("/boom", headers={"X-Correlation-ID": "abc-123"})
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "internal"
    assert "exploded" not in response.text
    assert "abc-123" in body["detail"]


async def test_correlation_id_is_echoed_or_created(client: httpx.AsyncClient) -> None:
    given = await client.post(
        "/applications",
        json={"plan": "simple", "year": 2025},
        headers={"X-Correlation-ID": "req-42"},
    )
    assert given.headers["x-correlation-id"] == "req-42"
    created = await client.post("/applications", json={"plan": "simple", "year": 2025})
    assert len(created.headers["x-correlation-id"]) == 36


@pytest.mark.parametrize("header", [b"\xff\xfe", "€".encode() * 100, b"a b", b"x" * 101])
async def test_a_correlation_id_that_is_not_a_plain_token_is_replaced(
    client: httpx.AsyncClient, header: bytes
) -> None:
    """It would travel into events and the AMQP correlation_id property (255 bytes at most)."""
    response = await client.post(
        "/applications",
        json={"plan": "simple", "year": 2025},
        headers=[(b"X-Correlation-ID", header)],
    )
    assert response.status_code < 500
    assert len(response.headers["x-correlation-id"]) == 36
