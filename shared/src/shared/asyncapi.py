"""The AsyncAPI document of a service: the events it consumes and the events it publishes."""

from __future__ import annotations

from functools import cache
from typing import Any

from faststream.rabbit import ExchangeType, RabbitBroker, RabbitExchange
from faststream.specification import AsyncAPI
from pydantic import create_model

from shared.contracts.base import Event
from shared.contracts.envelope import Envelope
from shared.contracts.registry import REGISTRY
from shared.messaging.topology import Topology


@cache
def envelope_of(model: type[Event]) -> type[Envelope]:
    """The envelope as it travels for ``model``: the generic envelope with a typed payload."""
    doc = (model.__doc__ or "").strip()
    created: Any = create_model(
        f"{model.event_type}V{model.event_version}",
        __base__=Envelope,
        __doc__=doc or None,
        payload=(model, ...),
    )
    assert issubclass(created, Envelope)
    return created


def document_publications(broker: RabbitBroker, service: str, topology: Topology) -> None:
    """Declare (for the document only) a publisher per event that ``service`` produces."""
    exchange = RabbitExchange(topology.exchange, type=ExchangeType.TOPIC, durable=True)
    for spec in REGISTRY:
        if spec.producer != service:
            continue
        broker.publisher(
            exchange=exchange,
            routing_key=spec.routing_key,
            title=f"{spec.routing_key}:publish",
            description=(spec.model.__doc__ or spec.event_type).strip(),
            schema=envelope_of(spec.model),
            persist=True,
        )


def build_asyncapi(broker: RabbitBroker, *, service: str, version: str) -> AsyncAPI:
    return AsyncAPI(
        broker,
        title=f"Cap Métiers {service} events",
        version=version,
        description=(
            f"Events published and consumed by the {service} service. Every message is a JSON "
            "envelope (message_id, event_type, event_version, occurred_at, producer, aggregate_id,"
            " aggregate_version, correlation_id, causation_id, payload) on the topic exchange, "
            "routing key <aggregate>.<event>.v<major>."
        ),
    )
