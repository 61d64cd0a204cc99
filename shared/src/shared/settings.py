"""Settings common to every service, read from the environment (pydantic-settings)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class AuthSettings(BaseSettings):
    """Bearer JWT settings: HS256 with a shared secret locally, RS256 with a JWKS URL in production."""

    model_config = SettingsConfigDict(env_prefix="JWT_", extra="ignore")

    algorithm: str = "HS256"
    secret: SecretStr = SecretStr("capmetiers-local-development-secret-change-me")
    jwks_url: str | None = None
    issuer: str = "capmetiers-local"
    audience: str = "capmetiers"
    leeway_seconds: int = 30


class ServiceSettings(BaseSettings):
    """What every service needs; a service subclasses it and sets its database."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/capmetiers"
    #: Connections a process keeps open to its database, and how many more it may open at a
    #: peak: replicas x (pool + overflow) must fit the server's (or PgBouncer's) limit.
    database_pool_size: int = Field(default=10, ge=1)
    database_max_overflow: int = Field(default=10, ge=0)
    rabbitmq_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    #: Prefix of every exchange and queue name: isolates test runs sharing one broker.
    rabbitmq_namespace: str = "capmetiers"
    #: Failed deliveries are retried this many times in all, then parked in the queue's DLQ.
    consumer_max_attempts: int = 5
    consumer_retry_delays_ms: list[int] = Field(default_factory=lambda: [1000, 5000, 30000])
    consumer_prefetch: int = 32
    #: Messages of one queue applied at once; those of one aggregate always one after the other.
    consumer_concurrency: int = 8
    relay_batch_size: int = 200
    relay_poll_interval_s: float = 1.0
    #: Days the relay keeps published outbox rows (then purged); what a replay can go back to.
    outbox_retention_days: int = Field(default=7, ge=1)
    log_level: str = "INFO"
    log_json: bool = True
    auth: AuthSettings = Field(default_factory=AuthSettings)
    #: Where the worker and the relay show they are alive (a container's liveness probe reads
    #: its age): touched every third of ``heartbeat_max_age_s`` while connected. Unset: none.
    heartbeat_file: Path | None = None
    heartbeat_max_age_s: float = Field(default=60.0, gt=0)
    #: Where a worker or a relay serves its Prometheus metrics (``GET /metrics`` on ``HOST``);
    #: unset: not served. An API serves them at ``/metrics`` on its own port.
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    #: The OTLP/HTTP collector the traces go to (``http://collector:4318``); unset: no tracing.
    otel_exporter_otlp_endpoint: str | None = None
    #: Whether the worker runs the service's scheduled jobs; false where one scheduler (a
    #: CronJob running the operator commands) does, so that they run once at any replica count.
    worker_schedulers: bool = True
    #: ``production`` refuses what only a development platform may do (``DEV_CLOCK_FILE``...).
    platform_environment: Literal["development", "production"] = "development"
    #: Development only: every process's clock is the wall clock shifted by the offset this
    #: file holds (:class:`shared.clock.ShiftedClock`), so the platform can be moved in time.
    dev_clock_file: Path | None = None

    @model_validator(mode="after")
    def _development_only(self) -> Self:
        if self.platform_environment == "production" and self.dev_clock_file is not None:
            raise ValueError("DEV_CLOCK_FILE is refused in production: the clock is the wall's")
        return self
