"""The platform's Prometheus series, defined once per process on the default registry.

HTTP (every API, :mod:`shared.observability.http`): ``http_requests_total`` and
``http_request_duration_seconds`` by method, route template and status. The messaging kit:
what each queue's consumer did (``messaging_messages_*``, ``messaging_message_handling_seconds``),
what each relay published and the outbox it leaves (``messaging_outbox_*``), and the depth of
each DLQ (``messaging_dlq_messages``). The APIs answer ``GET /metrics``; a worker or a relay,
which has no HTTP server, serves them on ``METRICS_PORT`` (:func:`serve_metrics`).

A queue's or a relay's label children are resolved once (:class:`QueueMetrics`,
:class:`RelayMetrics`): a delivery then costs a few increments, no label lookup.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from prometheus_client import Counter, Gauge, Histogram, start_http_server

log = logging.getLogger(__name__)

#: Seconds: from a few milliseconds (an inbox duplicate) to the handlers that render documents.
_HANDLING_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route template.",
    ["method", "route"],
    buckets=_HTTP_BUCKETS,
)

CONSUMED = Counter(
    "messaging_messages_consumed_total",
    "Deliveries a consumer settled: applied, duplicate (seen by the inbox) or stale (older "
    "than the version its projection holds).",
    ["queue", "outcome"],
)
FAILED = Counter(
    "messaging_messages_failed_total",
    "Deliveries that could not be applied: their handler raised, or they could not be decoded.",
    ["queue"],
)
RETRIED = Counter(
    "messaging_messages_retried_total",
    "Failed deliveries sent to a retry queue.",
    ["queue"],
)
DEAD_LETTERED = Counter(
    "messaging_messages_dead_lettered_total",
    "Deliveries parked in the queue's DLQ (attempts exhausted, or undecodable).",
    ["queue"],
)
HANDLING = Histogram(
    "messaging_message_handling_seconds",
    "Time from the start of a delivery's transaction to its ack (or its move to a retry "
    "queue or the DLQ).",
    ["queue"],
    buckets=_HANDLING_BUCKETS,
)
DLQ_DEPTH = Gauge(
    "messaging_dlq_messages",
    "Messages resting in the queue's DLQ, as the worker last read it.",
    ["queue"],
)

OUTBOX_PUBLISHED = Counter(
    "messaging_outbox_published_total",
    "Outbox rows the relay published (confirmed by the broker).",
    ["producer"],
)
OUTBOX_PUBLISH_FAILED = Counter(
    "messaging_outbox_publish_failures_total",
    "Outbox rows the broker refused or returned, backed off for a later try.",
    ["producer"],
)
OUTBOX_PENDING = Gauge(
    "messaging_outbox_pending_messages",
    "Outbox rows not published yet, as the relay last counted them.",
    ["producer"],
)
OUTBOX_OLDEST_AGE = Gauge(
    "messaging_outbox_oldest_pending_age_seconds",
    "Age of the oldest outbox row not published yet (0 when none is pending).",
    ["producer"],
)

#: Every series this module defines: the dashboard and the alert rules may only name these.
FAMILIES = (
    HTTP_REQUESTS,
    HTTP_DURATION,
    CONSUMED,
    FAILED,
    RETRIED,
    DEAD_LETTERED,
    HANDLING,
    DLQ_DEPTH,
    OUTBOX_PUBLISHED,
    OUTBOX_PUBLISH_FAILED,
    OUTBOX_PENDING,
    OUTBOX_OLDEST_AGE,
)


@dataclass(frozen=True)
class QueueMetrics:
    """The label children of one consuming queue, resolved once."""

    applied: Counter
    duplicate: Counter
    stale: Counter
    failed: Counter
    retried: Counter
    dead_lettered: Counter
    handling: Histogram

    @classmethod
    def of(cls, queue: str) -> QueueMetrics:
        return cls(
            applied=CONSUMED.labels(queue, "applied"),
            duplicate=CONSUMED.labels(queue, "duplicate"),
            stale=CONSUMED.labels(queue, "stale"),
            failed=FAILED.labels(queue),
            retried=RETRIED.labels(queue),
            dead_lettered=DEAD_LETTERED.labels(queue),
            handling=HANDLING.labels(queue),
        )


@dataclass(frozen=True)
class RelayMetrics:
    """The label children of one service's relay, resolved once."""

    published: Counter
    failed: Counter
    pending: Gauge
    oldest_age: Gauge

    @classmethod
    def of(cls, producer: str) -> RelayMetrics:
        return cls(
            published=OUTBOX_PUBLISHED.labels(producer),
            failed=OUTBOX_PUBLISH_FAILED.labels(producer),
            pending=OUTBOX_PENDING.labels(producer),
            oldest_age=OUTBOX_OLDEST_AGE.labels(producer),
        )


def serve_metrics(port: int | None, host: str) -> bool:
    """Serve this process's metrics on ``host:port`` (a thread of prometheus_client's).

    ``None``: not served. A port taken is logged, not fatal: the process does its work without
    its metrics rather than not at all.
    """
    if port is None:
        return False
    try:
        start_http_server(port, addr=host)
    except OSError as exc:
        log.error("metrics not served on %s:%d: %s", host, port, exc)
        return False
    log.info("metrics on http://%s:%d/metrics", host, port)
    return True
