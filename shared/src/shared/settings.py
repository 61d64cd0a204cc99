"""Settings common to every service, read from the environment (pydantic-settings)."""

from __future__ import annotations

from pydantic import Field, SecretStr
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
    log_level: str = "INFO"
    log_json: bool = True
    auth: AuthSettings = Field(default_factory=AuthSettings)
