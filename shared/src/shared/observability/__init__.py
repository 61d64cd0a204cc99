"""Metrics (Prometheus), traces (OpenTelemetry) and the access log of every process."""
