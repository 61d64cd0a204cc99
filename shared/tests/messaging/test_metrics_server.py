"""A worker or a relay (no HTTP server of its own) serves its metrics on ``METRICS_PORT``."""

from __future__ import annotations

import logging
import socket
import urllib.request

import pytest

from shared.observability.metrics import QueueMetrics, serve_metrics
from shared.settings import ServiceSettings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_metrics_are_served_on_the_port_the_settings_name() -> None:
    port = _free_port()
    settings = ServiceSettings(metrics_port=port)
    QueueMetrics.of("served.on_something").applied.inc()
    assert serve_metrics(settings.metrics_port, "127.0.0.1")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        body = response.read().decode()
    assert (
        'messaging_messages_consumed_total{outcome="applied",queue="served.on_something"} 1.0'
        in body
    )


def test_no_port_no_server_and_a_port_taken_does_not_stop_the_process(
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert ServiceSettings().metrics_port is None
    assert not serve_metrics(None, "127.0.0.1")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        with caplog.at_level(logging.ERROR):
            assert not serve_metrics(port, "127.0.0.1")
    assert f"metrics not served on 127.0.0.1:{port}" in caplog.text
