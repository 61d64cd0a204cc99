"""The four services run as processes (API, worker, relay each) and answer as the README says."""

from __future__ import annotations

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from shared.testing.helpers import wait_until
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


async def _samples(url: str) -> dict[str, set[str]]:
    """Each series the process at ``url`` exports, with the label sets of its samples."""
    async with httpx.AsyncClient(timeout=5) as client:
        text = (await client.get(url)).text
    found: dict[str, set[str]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, set()).add(str(sorted(sample.labels.items())))
    return found


async def test_every_process_serves_its_metrics_the_apis_at_metrics_the_others_on_their_port(
    platform: Platform,
) -> None:
    """An API's ``/metrics`` counts its requests; a relay reports its outbox, a worker its DLQs."""
    for name in PLATFORM_SERVICES:
        service = platform[name]
        relay_url, worker_url = service.metrics_url("relay"), service.metrics_url("worker")

        async def reported(relay_url: str = relay_url, worker_url: str = worker_url) -> bool:
            relay, worker = await _samples(relay_url), await _samples(worker_url)
            return (
                "messaging_outbox_pending_messages" in relay and "messaging_dlq_messages" in worker
            )

        await wait_until(reported, within=30)
        relay, worker = await _samples(relay_url), await _samples(worker_url)
        assert relay["messaging_outbox_pending_messages"] == {f"[('producer', '{name}')]"}
        assert all(f".{name}.on_" in labels for labels in worker["messaging_dlq_messages"])
        api = await _samples(service.metrics_url("api"))
        assert any("/health/ready" in labels for labels in api["http_requests_total"]), name
