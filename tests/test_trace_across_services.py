"""One trace from a request to membership to the invoice billing issues for it (X2's path:
the request, the outbox row, the relay, RabbitMQ, billing's consumer), on the real servers.

Both services run in this process (membership's app and relay, billing's consumers), each with
its own tracer provider, their spans collected in memory.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from stdnum import luhn

from billing.service import SERVICE_DIR as BILLING_DIR
from billing.service import build_runtime as build_billing
from billing.settings import BillingSettings
from membership.app import create_app
from membership.service import SERVICE_DIR as MEMBERSHIP_DIR
from membership.service import build_runtime as build_membership
from membership.settings import MembershipSettings
from shared.auth import Role
from shared.clock import FixedClock
from shared.observability.tracing import Tracing
from shared.testing.helpers import asgi_client, bearer, wait_until
from shared.testing.messaging import running_consumers, running_relay

pytestmark = pytest.mark.integration

TEXT = "Une structure d'accompagnement des jeunes vers l'emploi en Gironde depuis 1990."
APPROVE_ROUTE = "/applications/{application_id}/approve"


def _siren() -> str:
    base = f"{random.randrange(10_000_000, 100_000_000)}"
    return base + luhn.calc_check_digit(base)


def _structure(siren: str) -> dict[str, Any]:
    siret = siren + "0001"
    return {
        "siren": siren,
        "legal_name": f"Structure {siren}",
        "legal_form": "association",
        "head_office": {
            "siret": siret + luhn.calc_check_digit(siret),
            "address_line": "1 rue Sainte-Catherine",
            "postal_code": "33000",
            "city": "Bordeaux",
            "insee_code": "33063",
        },
        "email": f"contact-{siren}@example.org",
    }


def _service(span: ReadableSpan) -> str:
    return str(span.resource.attributes["service.name"])


def _one(spans: Sequence[ReadableSpan], **where: Any) -> ReadableSpan:
    found = [s for s in spans if all(getattr(s, k) == v for k, v in where.items())]
    assert len(found) == 1, (where, [s.name for s in spans])
    return found[0]


async def test_x2_a_request_to_membership_and_billings_consumer_of_its_event_are_one_trace(
    migrated_database: Any, service_settings: Any, test_servers: Any
) -> None:
    namespace = f"{test_servers.namespace}.trace"
    membership_settings = service_settings(
        MembershipSettings,
        await migrated_database("trace_membership", MEMBERSHIP_DIR),
        rabbitmq_namespace=namespace,
    )
    billing_settings = service_settings(
        BillingSettings,
        await migrated_database("trace_billing", BILLING_DIR),
        rabbitmq_namespace=namespace,
    )
    clock = FixedClock(datetime(2026, 3, 10, 9, tzinfo=UTC))
    exporter = InMemorySpanExporter()
    membership = build_membership(membership_settings, clock)
    membership.tracing = Tracing.exporting("membership", "0.1.0", exporter, batch=False)
    billing = build_billing(billing_settings, clock)
    billing.tracing = Tracing.exporting("billing", "0.1.0", exporter, batch=False)
    consumer_span = f"{namespace}.billing.on_membership_approved process"

    async def billing_consumed() -> bool:
        return any(s.name == consumer_span for s in exporter.get_finished_spans())

    siren = _siren()
    member = bearer(membership_settings.auth, Role.MEMBER, siren=siren)
    async with (
        running_consumers(billing),
        running_relay(membership),
        asgi_client(create_app(membership)) as http,
    ):
        created = await http.post("/structures", json=_structure(siren), headers=member)
        assert created.status_code == 201, created.text
        application = await http.post(
            "/applications",
            json={
                "siren": siren,
                "year": 2026,
                "plan": "simple",
                "texts": {"structure": TEXT, "activity": TEXT, "motivations": TEXT},
            },
            headers=member,
        )
        assert application.status_code == 201, application.text
        approved = await http.post(
            f"/applications/{application.json()['id']}/approve",
            headers=bearer(membership_settings.auth, Role.BOARD),
        )
        assert approved.status_code == 200, approved.text
        await wait_until(billing_consumed, within=30)
    await membership.dispose()
    await billing.dispose()

    spans = exporter.get_finished_spans()
    request = _one(
        [s for s in spans if s.attributes and s.attributes.get("http.route") == APPROVE_ROUTE],
        kind=SpanKind.SERVER,
    )
    consumed = _one(spans, name=consumer_span)
    trace_id = request.context.trace_id
    assert consumed.context.trace_id == trace_id
    assert consumed.kind is SpanKind.CONSUMER
    # The relay's publication is the consumer's parent, in the same trace, on membership's side.
    assert consumed.parent is not None
    publish = [s for s in spans if s.context.span_id == consumed.parent.span_id]
    assert [(_service(s), s.kind) for s in publish] == [("membership", SpanKind.PRODUCER)]
    assert publish[0].context.trace_id == trace_id
    in_trace = [s for s in spans if s.context.trace_id == trace_id]
    assert {_service(s) for s in in_trace} == {"membership", "billing"}
    assert _service(request) == "membership"
    assert _service(consumed) == "billing"
    # The other requests made traces of their own.
    assert len({s.context.trace_id for s in spans if s.kind is SpanKind.SERVER}) == 3
