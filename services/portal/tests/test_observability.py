"""The portal measures, logs and traces its pages as the services do: ``GET /metrics`` by route
template, and its calls to a service carry the page's trace context."""

from __future__ import annotations

import httpx
from conftest import Browser, Fakes
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from portal_samples import application, page

from portal.app import create_app
from portal.settings import PortalSettings
from shared.clock import FixedClock
from shared.observability.tracing import Tracing


async def test_the_portal_serves_its_metrics_by_route_template(browser: Browser) -> None:
    await browser.get("/connexion")
    await browser.get("/static/no-such-file.css")
    scraped = await browser.client.get("/metrics")
    assert scraped.status_code == 200
    assert 'method="GET",route="/connexion",status="200"' in scraped.text
    assert "no-such-file" not in scraped.text


async def test_a_traced_page_sends_its_trace_context_to_the_service_it_calls(
    fakes: Fakes, settings: PortalSettings, clock: FixedClock
) -> None:
    fakes.membership.on("GET", "/applications", page([application()]))
    exporter = InMemorySpanExporter()
    tracing = Tracing.exporting("portal", "0.1.0", exporter, batch=False)
    transports = {
        name: httpx.MockTransport(getattr(fakes, name).handle)
        for name in ("membership", "billing", "training", "booking")
    }
    app = create_app(settings, transports=transports, clock=clock, tracing=tracing)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://portal.test"
    ) as client:
        browser = Browser(client)
        await browser.sign_in("board")
        assert (await browser.get("/conseil")).status_code == 200

    pages = {
        f"{s.context.trace_id:032x}"
        for s in exporter.get_finished_spans()
        if s.kind is SpanKind.SERVER
        and s.attributes
        and s.attributes.get("http.route") == "/conseil"
    }
    calls = [r for r in fakes.membership.requests if r.url.path == "/applications"]
    assert calls
    assert {call.headers["traceparent"].split("-")[1] for call in calls} == pages
