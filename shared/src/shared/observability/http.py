"""What every API (the services' and the portal's) measures, traces and logs of its requests.

- ``GET /metrics``: the process's Prometheus series (unauthenticated, not in the OpenAPI
  document); each request counted and timed by method, route template (``/applications/
  {application_id}/approve``, never the raw path) and status. The template is resolved by
  prometheus-fastapi-instrumentator's middleware, which also feeds
- the access log: one line per request on the ``shared.access`` logger (method, route,
  status, ``duration_ms``; the correlation id as every line), health probes at DEBUG;
- traces: FastAPI's native OpenTelemetry server span, given the service's provider (none:
  FastAPI records nothing); ``/metrics`` and ``/health/*`` are not traced.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig
from prometheus_fastapi_instrumentator import Instrumentator
from prometheus_fastapi_instrumentator.metrics import Info

from shared.observability.metrics import HTTP_DURATION, HTTP_REQUESTS
from shared.observability.tracing import Tracing

access_log = logging.getLogger("shared.access")

METRICS_PATH = "/metrics"
_QUIET_PREFIX = "/health/"


def telemetry_config(tracing: Tracing) -> TelemetryConfig:
    """``FastAPI(telemetry=...)``: its server spans on the service's provider, nothing else
    (metrics are Prometheus', logs the JSON lines); no provider, no span."""
    return {
        "tracing": tracing.enabled,
        "tracer_provider": tracing.provider,
        "metrics": False,
        "logs": False,
        "auto_configure": False,
        "exclude": _untraced,
    }


def _untraced(scope: MutableMapping[str, Any]) -> bool:
    path = str(scope.get("path", ""))
    return path == METRICS_PATH or path.startswith(_QUIET_PREFIX)


def observe_request(info: Info) -> None:
    """Count, time and log one answered request."""
    route = info.modified_handler
    status = info.modified_status
    HTTP_REQUESTS.labels(info.method, route, status).inc()
    HTTP_DURATION.labels(info.method, route).observe(info.modified_duration)
    duration_ms = round(info.modified_duration * 1000, 2)
    access_log.log(
        logging.DEBUG if route.startswith(_QUIET_PREFIX) else logging.INFO,
        "%s %s %s %.1f ms",
        info.method,
        route,
        status,
        duration_ms,
        extra={
            "method": info.method,
            "route": route,
            "status": int(status),
            "duration_ms": duration_ms,
        },
    )


def instrument(app: FastAPI) -> None:
    """Measure and log ``app``'s requests and serve ``GET /metrics``.

    Call it before adding the correlation middleware, so that the latter stays outermost and
    the access line carries the request's correlation id.
    """
    instrumentator = Instrumentator(
        should_group_status_codes=False,
        should_group_untemplated=True,
        excluded_handlers=[f"^{METRICS_PATH}$"],
    )
    instrumentator.add(observe_request)
    instrumentator.instrument(app)
    instrumentator.expose(app, endpoint=METRICS_PATH, include_in_schema=False)
