"""What a service app measures and logs of its requests: ``GET /metrics`` (open, undocumented),
the series by route template, one JSON access line per request with its correlation id."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from prometheus_client import REGISTRY

from shared.auth import Role
from shared.logging import configure_logging
from shared.observability.tracing import Tracing
from shared.runtime import ServiceRuntime
from shared.testing.helpers import asgi_client, bearer
from shared.testing.probe.kit import PROBE_DIR, ProbeSettings, consumers
from shared.unit_of_work import UnitOfWork
from shared.webapp import create_service_app

from .conftest import routes


def _requests(method: str, route: str, status: str) -> float:
    value = REGISTRY.get_sample_value(
        "http_requests_total", {"method": method, "route": route, "status": status}
    )
    return value or 0.0


def _timed(method: str, route: str) -> float:
    value = REGISTRY.get_sample_value(
        "http_request_duration_seconds_count", {"method": method, "route": route}
    )
    return value or 0.0


async def test_x3_metrics_answer_without_a_token_and_stay_out_of_the_openapi_document(
    service_app: FastAPI,
) -> None:
    transport = httpx.ASGITransport(app=service_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as anonymous:
        response = await anonymous.get("/metrics")
        refused = await anonymous.get("/structures/123456782")
        document = (await anonymous.get("/openapi.json")).json()
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "# TYPE http_requests_total counter" in response.text
    assert "# TYPE messaging_messages_consumed_total counter" in response.text
    assert refused.status_code == 401, "the other routes still need a caller"
    assert "/metrics" not in document["paths"]


async def test_requests_are_counted_and_timed_by_route_template_not_path(
    service_client: httpx.AsyncClient,
) -> None:
    before = _requests("GET", "/structures/{siren}", "404"), _timed("GET", "/structures/{siren}")
    unknown_before = _requests("GET", "none", "404")
    assert (await service_client.get("/structures/123456782")).status_code == 404
    assert (await service_client.get("/structures/987654321")).status_code == 404
    assert (await service_client.get("/no/such/page")).status_code == 404
    after = _requests("GET", "/structures/{siren}", "404"), _timed("GET", "/structures/{siren}")
    assert after == (before[0] + 2, before[1] + 2)
    assert _requests("GET", "/structures/123456782", "404") == 0
    assert _requests("GET", "none", "404") == unknown_before + 1
    scraped = (await service_client.get("/metrics")).text
    assert 'route="/structures/{siren}"' in scraped
    assert "123456782" not in scraped
    assert 'route="/metrics"' not in scraped, "the scrapes themselves are not counted"


@pytest.fixture
def logging_restored() -> Iterator[None]:
    """The test configures logging as ``python -m <service>`` does; it is put back after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _access_lines(err: str) -> list[dict[str, object]]:
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("name") == "shared.access"]


async def test_one_json_access_line_per_request_with_its_route_status_duration_and_correlation_id(
    service_client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str], logging_restored: None
) -> None:
    configure_logging("probe", "INFO", json_logs=True)  # JSON lines on stderr, as in production
    response = await service_client.post(
        "/structures/123456782/applications",
        json={"plan": "simple", "year": 2026},
        headers={"X-Correlation-ID": "req-42"},
    )
    assert response.status_code == 200
    await service_client.get("/errors/conflict", headers={"X-Correlation-ID": "req-43"})
    await service_client.get("/health/live")
    await service_client.get("/metrics")

    first, second = _access_lines(capsys.readouterr().err)
    assert first["correlation_id"] == "req-42"
    assert first["trace_id"] is None, "no tracing configured: no trace"
    assert first["service"] == "probe"
    assert first["level"] == "INFO"
    assert (first["method"], first["route"], first["status"]) == (
        "POST",
        "/structures/{siren}/applications",
        200,
    )
    assert isinstance(first["duration_ms"], float)
    assert first["duration_ms"] >= 0
    assert (second["route"], second["status"], second["correlation_id"]) == (
        "/errors/{kind}",
        409,
        "req-43",
    )
    # the probes' line is at DEBUG (not shown at INFO), the scrapes have none at all


async def test_health_probes_are_logged_at_debug(
    service_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="shared.access"):
        await service_client.get("/health/live")
        await service_client.get("/metrics")
    records = [r for r in caplog.records if r.name == "shared.access"]
    assert [(r.levelno, getattr(r, "route", None)) for r in records] == [
        (logging.DEBUG, "/health/live")
    ]


async def test_a_traced_request_has_a_server_span_by_route_and_its_access_line_the_trace_id(
    capsys: pytest.CaptureFixture[str], logging_restored: None
) -> None:
    exporter = InMemorySpanExporter()
    runtime: ServiceRuntime[ProbeSettings, UnitOfWork] = ServiceRuntime(
        name="probe",
        version="1.2.3",
        settings=ProbeSettings(),
        service_dir=PROBE_DIR,
        consumers=consumers,
        make_uow=UnitOfWork,
    )
    runtime.tracing = Tracing.exporting("probe", "1.2.3", exporter, batch=False)
    app = create_service_app(runtime, title="Probe", description="Traced.", routers=[routes()])
    configure_logging("probe", "INFO", json_logs=True)
    async with asgi_client(app) as http:
        caller = bearer(runtime.settings.auth, Role.STAFF)
        assert (await http.get("/structures/123456782", headers=caller)).status_code == 404
        assert (await http.get("/health/live")).status_code == 200
        assert (await http.get("/metrics")).status_code == 200

    servers = [s for s in exporter.get_finished_spans() if s.kind is SpanKind.SERVER]
    assert [(s.name, s.resource.attributes["service.name"]) for s in servers] == [
        ("GET /structures/{siren}", "probe")
    ], "the probes and the scrapes are not traced"
    [line] = _access_lines(capsys.readouterr().err)
    assert line["trace_id"] == f"{servers[0].context.trace_id:032x}"
