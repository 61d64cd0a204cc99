"""The four services run as processes (API, worker, relay each) and answer as the README says."""

from __future__ import annotations

import pytest

from tests.conftest import Platform

PLATFORM_SERVICES = ("membership", "training", "booking", "billing")
pytestmark = pytest.mark.e2e


async def test_every_service_is_ready_with_docs_and_event_documents(platform: Platform) -> None:
    for name in PLATFORM_SERVICES:
        async with platform.client(name) as client:
            ready = await client.get("/health/ready")
            assert ready.status_code == 200, ready.text
            assert ready.json()["checks"] == {"database": "ok", "broker": "ok"}
            assert (await client.get("/openapi.json")).status_code == 200
            asyncapi = await client.get("/asyncapi.json")
            assert asyncapi.status_code == 200
            channels = asyncapi.json()["channels"]
            operations = asyncapi.json()["operations"].values()
            assert channels, name
            assert any(o["action"] == "send" for o in operations), name


async def test_x3_business_endpoints_need_a_token(platform: Platform) -> None:
    async with platform.client("billing") as client:
        paths = [
            path
            for path, item in (await client.get("/openapi.json")).json()["paths"].items()
            if not path.startswith("/health") and "get" in item and "{" not in path
        ]
        assert paths, "billing exposes no business GET endpoint to check"
        for path in paths:
            response = await client.get(path)
            assert response.status_code == 401, path
            assert response.headers["content-type"] == "application/problem+json"
