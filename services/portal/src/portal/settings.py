"""The portal's settings, read from the environment (``PORTAL_*``, plus the platform's own)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.settings import AuthSettings


class PortalSettings(BaseSettings):
    """Where the services answer, how people sign in, how long a session lasts."""

    model_config = SettingsConfigDict(env_prefix="PORTAL_", extra="ignore")

    membership_url: str = "http://127.0.0.1:8001"
    training_url: str = "http://127.0.0.1:8002"
    booking_url: str = "http://127.0.0.1:8003"
    billing_url: str = "http://127.0.0.1:8004"
    #: Seconds a service may take to answer before its part of a page is shown unavailable.
    service_timeout_s: float = 8.0

    #: OpenID Connect (authorization code with PKCE) at the agency's identity provider.
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    #: This portal's callback, as registered at the provider (``https://…/connexion/retour``).
    oidc_redirect_url: str | None = None
    oidc_scope: str = "openid profile email"

    #: The session cookie: HTTP-only and SameSite=Lax always; Secure unless turned off for a
    #: plain-HTTP development machine (refused in production).
    cookie_name: str = "capmetiers_portal"
    cookie_secure: bool = True
    session_idle_minutes: int = Field(default=60, ge=5, le=24 * 60)
    session_lifetime_hours: int = Field(default=10, ge=1, le=24)
    #: Sessions kept in memory at most; the oldest are dropped beyond.
    max_sessions: int = Field(default=20_000, ge=10)

    #: How the services' tokens are checked; the portal reads the caller's roles the same way.
    auth: AuthSettings = Field(default_factory=AuthSettings)
    platform_environment: Literal["development", "production"] = Field(
        default="development", validation_alias=AliasChoices("PLATFORM_ENVIRONMENT")
    )
    dev_clock_file: Path | None = Field(
        default=None, validation_alias=AliasChoices("DEV_CLOCK_FILE")
    )
    log_level: str = Field(default="INFO", validation_alias=AliasChoices("LOG_LEVEL"))
    log_json: bool = Field(default=True, validation_alias=AliasChoices("LOG_JSON"))
    #: The OTLP/HTTP collector the portal's traces go to; unset: no tracing.
    otel_exporter_otlp_endpoint: str | None = Field(
        default=None, validation_alias=AliasChoices("OTEL_EXPORTER_OTLP_ENDPOINT")
    )

    @property
    def production(self) -> bool:
        return self.platform_environment == "production"

    @property
    def oidc_configured(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id and self.oidc_redirect_url)

    @property
    def development_sign_in(self) -> bool:
        """The local sign-in page that mints a token for a chosen role: never in production."""
        return not self.production

    @model_validator(mode="after")
    def _production_needs_the_identity_provider(self) -> Self:
        if self.production:
            if not self.oidc_configured or self.oidc_client_secret is None:
                raise ValueError(
                    "production needs PORTAL_OIDC_ISSUER, PORTAL_OIDC_CLIENT_ID, "
                    "PORTAL_OIDC_CLIENT_SECRET and PORTAL_OIDC_REDIRECT_URL"
                )
            if not self.cookie_secure:
                raise ValueError("PORTAL_COOKIE_SECURE=false is refused in production")
            if self.dev_clock_file is not None:
                raise ValueError("DEV_CLOCK_FILE is refused in production")
        return self
