"""Wiring of the exchange service: the one place its parts are put together."""

from functools import partial
from pathlib import Path

from exchange.commands import PARTNER_COMMAND
from exchange.consumers import consumers
from exchange.settings import ExchangeSettings
from exchange.unit_of_work import ExchangeUnitOfWork
from shared.asyncapi import Document, partner_document
from shared.clock import Clock, SystemClock
from shared.contracts.partners import PARTNER_REGISTRY
from shared.messaging.topology import PARTNERS
from shared.runtime import ServiceRuntime

SERVICE_DIR = Path(__file__).resolve().parents[2]
#: The partner contract's version (``info.version`` of the partner document).
PARTNER_CONTRACT_VERSION = "1.0.0"

ExchangeRuntime = ServiceRuntime[ExchangeSettings, ExchangeUnitOfWork]


def build_runtime(settings: ExchangeSettings, clock: Clock | None = None) -> ExchangeRuntime:
    """The service with its settings and clock: the app, the worker and tests all start here.

    Its outbox holds partner events only, and its relay publishes them to the partner exchange.
    """
    return ServiceRuntime(
        name="exchange",
        version="0.1.0",
        settings=settings,
        service_dir=SERVICE_DIR,
        consumers=consumers,
        make_uow=partial(
            ExchangeUnitOfWork, pseudonym_key=settings.pseudonym_key.get_secret_value().encode()
        ),
        commands=(PARTNER_COMMAND,),
        clock=clock or SystemClock(),
        publications=PARTNER_REGISTRY,
        publishes_to=PARTNERS,
    )


def partners_asyncapi(namespace: str) -> Document:
    """What partners receive (``docs/asyncapi/partners.yaml`` for the default namespace)."""
    return Document(
        partner_document(
            version=PARTNER_CONTRACT_VERSION, namespace=namespace, published=PARTNER_REGISTRY
        )
    )


runtime = build_runtime(ExchangeSettings())
