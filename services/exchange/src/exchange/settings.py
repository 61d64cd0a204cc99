"""Settings of the exchange service, from the environment."""

from typing import Self

from pydantic import AliasChoices, Field, SecretStr, model_validator

from shared.settings import ServiceSettings

DEVELOPMENT_PSEUDONYM_KEY = "capmetiers-exchange-development-pseudonym-key"


class ExchangeSettings(ServiceSettings):
    #: ``EXCHANGE_DATABASE_URL`` wins over ``DATABASE_URL``, so that one environment runs all.
    database_url: str = Field(
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/capmetiers_exchange",
        validation_alias=AliasChoices("EXCHANGE_DATABASE_URL", "DATABASE_URL"),
    )
    #: How far back ``partner replay`` can go: the relay keeps published partner events this
    #: many days (``OUTBOX_RETENTION_DAYS``).
    outbox_retention_days: int = Field(default=90, ge=1)
    #: The key of the participants' pseudonymous references (HMAC-SHA256): the same key gives
    #: the same reference for a person, for good; never shared with partners. Set
    #: ``EXCHANGE_PSEUDONYM_KEY`` once in production and never change it.
    pseudonym_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_PSEUDONYM_KEY),
        validation_alias=AliasChoices("EXCHANGE_PSEUDONYM_KEY"),
    )
    #: The command that runs ``rabbitmqctl`` against the broker (users and permissions), split
    #: like a shell line: ``rabbitmqctl`` on the broker's host, ``docker compose -p capmetiers
    #: -f deploy/compose.yaml exec -T rabbitmq rabbitmqctl``, or ``kubectl exec -i ... --
    #: rabbitmqctl`` (docs/partners.md).
    rabbitmqctl: str = Field(
        default="rabbitmqctl", validation_alias=AliasChoices("EXCHANGE_RABBITMQCTL")
    )
    #: Days a partner's queue keeps a message nobody took; older ones are dropped (a replay
    #: brings them back from the outbox).
    partner_queue_ttl_days: int = Field(
        default=14, ge=1, validation_alias=AliasChoices("EXCHANGE_PARTNER_QUEUE_TTL_DAYS")
    )
    #: The broker's address as partners reach it (``amqps://rabbitmq.cap-metiers.fr:5671/``):
    #: what ``partner add`` prints. Unset: the host, port and virtual host of ``RABBITMQ_URL``.
    partner_broker_url: str | None = Field(
        default=None, validation_alias=AliasChoices("EXCHANGE_PARTNER_BROKER_URL")
    )

    @model_validator(mode="after")
    def _a_real_key_in_production(self) -> Self:
        development = self.pseudonym_key.get_secret_value() == DEVELOPMENT_PSEUDONYM_KEY
        if self.platform_environment == "production" and development:
            raise ValueError("EXCHANGE_PSEUDONYM_KEY must be set in production")
        return self
