"""OpenTelemetry traces, from an HTTP request through the outbox and RabbitMQ to every consumer.

The trace context travels as W3C ``traceparent`` (and ``tracestate``):

- the API's server span is FastAPI's own (its native telemetry, given the service's provider);
- :class:`~shared.messaging.outbox.OutboxWriter` keeps the context current when an event is
  written in the row's ``headers`` column (the envelope, a public contract, is left as it is);
- the relay publishes the row under a producer span, child of that context, whose own context
  it sends as AMQP headers;
- the consumer's span is a child of the headers' context; the events its handler writes carry
  the consumer's context on, so one trace crosses every service the request reached.

Tracing is on when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (spans exported there over OTLP/HTTP,
sampled as ``OTEL_TRACES_SAMPLER`` says); off, no provider exists, nothing is recorded and the
kit does not even look for a context.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import Link, Span, SpanKind, Status, StatusCode, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

if TYPE_CHECKING:
    from aio_pika.abc import AbstractIncomingMessage
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter

    from shared.contracts.envelope import Envelope

TRACEPARENT = "traceparent"
TRACESTATE = "tracestate"
_PROPAGATOR = TraceContextTextMapPropagator()
#: Every span of the platform's services carries it (``service.namespace``).
NAMESPACE = "capmetiers"


@dataclass(frozen=True)
class Tracing:
    """One service's tracer provider, or none (tracing off)."""

    provider: TracerProvider | None = None

    @classmethod
    def from_endpoint(
        cls, service: str, version: str, endpoint: str | None, *, environment: str = "development"
    ) -> Tracing:
        """Spans exported to the OTLP/HTTP collector at ``endpoint``; off when it is unset."""
        if not endpoint:
            return cls()
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces")
        return cls.exporting(service, version, exporter, environment=environment)

    @classmethod
    def exporting(
        cls,
        service: str,
        version: str,
        exporter: SpanExporter,
        *,
        environment: str = "development",
        batch: bool = True,
    ) -> Tracing:
        """Spans of ``service`` sent to ``exporter`` (in batches, or each as it ends)."""
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

        resource = Resource.create(
            {
                "service.name": service,
                "service.namespace": NAMESPACE,
                "service.version": version,
                "deployment.environment.name": environment,
            }
        )
        provider = TracerProvider(resource=resource)
        processor = BatchSpanProcessor(exporter) if batch else SimpleSpanProcessor(exporter)
        provider.add_span_processor(processor)
        return cls(provider)

    @property
    def enabled(self) -> bool:
        return self.provider is not None

    def tracer(self, name: str) -> Tracer | None:
        """A tracer of this service, ``None`` when tracing is off."""
        return None if self.provider is None else self.provider.get_tracer(name)


def current_trace_headers() -> dict[str, str] | None:
    """The current span's context as W3C headers, ``None`` when no span is current."""
    if not trace.get_current_span().get_span_context().is_valid:
        return None
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return carrier


def context_of(headers: Mapping[str, Any] | None) -> Context | None:
    """The trace context that message or row headers carry, ``None`` when they carry none."""
    if not headers:
        return None
    parent = _text(headers.get(TRACEPARENT))
    if parent is None:
        return None
    carrier = {TRACEPARENT: parent}
    state = _text(headers.get(TRACESTATE))
    if state is not None:
        carrier[TRACESTATE] = state
    return _PROPAGATOR.extract(carrier)


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        return value.decode("ascii", errors="replace")
    return value if isinstance(value, str) else None


def consumer_span(
    tracer: Tracer, queue: str, message: AbstractIncomingMessage, envelope: Envelope
) -> AbstractContextManager[Span]:
    """The span (current while it is open) a delivery of ``queue`` is applied in: a child of
    the context its headers carry, else the root of a trace of its own."""
    return tracer.start_as_current_span(
        f"{queue} process",
        context=context_of(message.headers) or Context(),
        kind=SpanKind.CONSUMER,
        attributes={
            "messaging.system": "rabbitmq",
            "messaging.operation.type": "process",
            "messaging.destination.name": queue,
            "messaging.rabbitmq.destination.routing_key": message.routing_key or "",
            "messaging.message.id": str(envelope.message_id),
            "messaging.message.conversation_id": envelope.correlation_id,
            "capmetiers.event_type": envelope.event_type,
            "capmetiers.producer": envelope.producer,
        },
    )


def batch_span(
    tracer: Tracer, queue: str, messages: list[AbstractIncomingMessage]
) -> AbstractContextManager[Span]:
    """The span a batch of ``queue``'s deliveries is applied in: a child of the first
    delivery's context, linked to every delivery's, so each request's trace reaches it."""
    contexts = [context_of(message.headers) for message in messages]
    links = [
        Link(span.get_span_context())
        for context in contexts
        if context is not None
        and (span := trace.get_current_span(context)).get_span_context().is_valid
    ]
    return tracer.start_as_current_span(
        f"{queue} process",
        context=next((c for c in contexts if c is not None), None) or Context(),
        kind=SpanKind.CONSUMER,
        links=links,
        attributes={
            "messaging.system": "rabbitmq",
            "messaging.operation.type": "process",
            "messaging.destination.name": queue,
            "messaging.batch.message_count": len(messages),
        },
    )


def publish_span(
    tracer: Tracer, routing_key: str, message_id: str, parent: Context
) -> AbstractContextManager[Span]:
    """The relay's span publishing one outbox row, a child of the context the row kept."""
    return tracer.start_as_current_span(
        f"{routing_key} publish",
        context=parent,
        kind=SpanKind.PRODUCER,
        attributes={
            "messaging.system": "rabbitmq",
            "messaging.operation.type": "send",
            "messaging.rabbitmq.destination.routing_key": routing_key,
            "messaging.message.id": message_id,
        },
    )


def failed_span(span: Span, exc: BaseException) -> None:
    span.record_exception(exc)
    span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"[:200]))
