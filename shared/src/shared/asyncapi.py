"""The AsyncAPI 3.0.0 documents, built from the event contracts and the consumers' registrations.

A service's document (:func:`service_document`) shows the queues its handlers consume and the
routing keys it publishes on; the partner document (:func:`partner_document`) shows what a
partner platform receives on its queue bound to the partner exchange. Both are plain data made
from the contracts only (no broker, no settings but the namespace), so the same document is
written to ``docs/asyncapi/`` at build time (``scripts/asyncapi.py``) and served by the running
service at ``/asyncapi.json``. Every message has its JSON Schema (the envelope with its typed
payload, as serialised) and an example (:mod:`shared.contracts.examples`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import create_model

from shared.contracts.base import Event
from shared.contracts.envelope import Envelope
from shared.contracts.examples import example_envelope
from shared.contracts.registry import EventSpec

ASYNCAPI_VERSION = "3.0.0"
AMQP_BINDING = "0.3.0"
#: The namespace the documents kept in the repository are built for (``RABBITMQ_NAMESPACE``).
DEFAULT_NAMESPACE = "capmetiers"

ENVELOPE_DESCRIPTION = (
    "Every message is a JSON envelope (message_id, event_type, event_version, occurred_at, "
    "producer, aggregate_id, aggregate_version, correlation_id, causation_id, payload) on a "
    "durable topic exchange, routing key <aggregate>.<event>.v<major>. Delivery is at least "
    "once: deduplicate on message_id. Messages are persistent, content type application/json; "
    "the AMQP properties message_id, type (= event_type), correlation_id, app_id (= producer) "
    "and timestamp (= occurred_at) mirror the envelope."
)


def _variable(default: str, description: str, examples: list[str] | None = None) -> dict[str, Any]:
    variable: dict[str, Any] = {"default": default, "description": description}
    if examples:
        variable["examples"] = examples
    return variable


#: Where the broker answers. The virtual host is URL-encoded in the path (``%2F`` is ``/``).
SERVERS: dict[str, Any] = {
    "development": {
        "host": "{host}:{port}",
        "protocol": "amqp",
        "protocolVersion": "0.9.1",
        "pathname": "/{vhost}",
        "title": "Development",
        "description": "The broker of `make run` or `make compose` on one machine.",
        "variables": {
            "host": _variable("127.0.0.1", "The broker's host."),
            "port": _variable("5672", "The AMQP port."),
            "vhost": _variable("%2F", "The virtual host, URL-encoded (`%2F` is `/`)."),
        },
    },
    "production": {
        "host": "{host}:{port}",
        "protocol": "amqps",
        "protocolVersion": "0.9.1",
        "pathname": "/{vhost}",
        "title": "Production",
        "description": (
            "The agency's broker (TLS). The host is given with the credentials when a partner "
            "is added (docs/partners.md)."
        ),
        "variables": {
            "host": _variable("rabbitmq.cap-metiers.fr", "The broker's host, given at onboarding."),
            "port": _variable("5671", "The AMQPS port."),
            "vhost": _variable("capmetiers", "The platform's virtual host."),
        },
    },
}


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


@dataclass(frozen=True)
class Consumed:
    """A handler's queue: the events of ``model`` bound to it by ``routing_key``."""

    queue: str
    routing_key: str
    model: type[Event]
    description: str


def message_id(model: type[Event]) -> str:
    """The component name of ``model``'s message: ``MembershipActivatedV1``."""
    return f"{model.event_type}V{model.event_version}"


def _summary(model: type[Event]) -> str:
    doc = " ".join((model.__doc__ or "").split())
    return doc.split(". ")[0].rstrip(".") + "." if doc else model.event_type


class _Components:
    """The messages and schemas a document refers to, each added once."""

    def __init__(self) -> None:
        self.messages: dict[str, Any] = {}
        self.schemas: dict[str, Any] = {}

    def message(self, model: type[Event]) -> str:
        name = message_id(model)
        if name in self.messages:
            return name
        schema = envelope_of(model).model_json_schema(
            mode="serialization", ref_template="#/components/schemas/{model}"
        )
        for key, definition in schema.pop("$defs", {}).items():
            self.schemas.setdefault(key, definition)
        self.schemas[name] = schema
        example = example_envelope(model)
        doc = " ".join((model.__doc__ or "").split())
        message: dict[str, Any] = {
            "name": model.event_type,
            "title": f"{model.event_type} v{model.event_version}",
            "summary": _summary(model),
            "contentType": "application/json",
            "correlationId": {"location": "$message.payload#/correlation_id"},
            "payload": {"$ref": f"#/components/schemas/{name}"},
            "bindings": {"amqp": {"messageType": model.event_type, "bindingVersion": AMQP_BINDING}},
            "examples": [
                {
                    "name": f"{model.event_type}Example",
                    "summary": f"A {model.event_type} v{model.event_version} message.",
                    "payload": example.model_dump(mode="json"),
                }
            ],
        }
        if doc:
            message["description"] = doc
        self.messages[name] = message
        return name

    def as_dict(self) -> dict[str, Any]:
        return {
            "schemas": dict(sorted(self.schemas.items())),
            "messages": dict(sorted(self.messages.items())),
        }


def _exchange_binding(exchange: str) -> dict[str, Any]:
    """An exchange as AMQP bindings describe it; its virtual host is the server's (``vhost``)."""
    return {
        "name": exchange,
        "type": "topic",
        "durable": True,
        "autoDelete": False,
    }


def _queue_binding(queue: str) -> dict[str, Any]:
    return {
        "name": queue,
        "durable": True,
        "exclusive": False,
        "autoDelete": False,
    }


def _publications(
    components: _Components,
    channels: dict[str, Any],
    operations: dict[str, Any],
    exchange: str,
    published: Iterable[EventSpec],
) -> None:
    for spec in sorted(published, key=lambda s: s.routing_key):
        name = components.message(spec.model)
        channels[spec.routing_key] = {
            "address": spec.routing_key,
            "title": f"{spec.routing_key} on {exchange}",
            "description": f"{spec.event_type} v{spec.version}, published on the topic "
            f"exchange `{exchange}` with the routing key `{spec.routing_key}`.",
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            "bindings": {
                "amqp": {
                    "is": "routingKey",
                    "exchange": _exchange_binding(exchange),
                    "bindingVersion": AMQP_BINDING,
                }
            },
        }
        operations[f"send{name}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{spec.routing_key}"},
            "title": f"Publish {spec.event_type}",
            "summary": _summary(spec.model),
            "messages": [{"$ref": f"#/channels/{spec.routing_key}/messages/{name}"}],
            "bindings": {
                "amqp": {"deliveryMode": 2, "mandatory": True, "bindingVersion": AMQP_BINDING}
            },
        }


def service_document(
    *,
    service: str,
    version: str,
    namespace: str,
    consumed: Sequence[Consumed],
    published: Iterable[EventSpec],
    publishes_to: str = "events",
) -> dict[str, Any]:
    """The document of ``service``: its handlers' queues and what it publishes."""
    components = _Components()
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    events = f"{namespace}.events"
    for consumer in sorted(consumed, key=lambda c: c.queue):
        name = components.message(consumer.model)
        channels[consumer.queue] = {
            "address": consumer.queue,
            "title": consumer.queue,
            "description": consumer.description
            or f"The queue of {service}'s handler of {consumer.model.event_type}.",
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            "bindings": {
                "amqp": {
                    "is": "queue",
                    "queue": _queue_binding(consumer.queue),
                    "bindingVersion": AMQP_BINDING,
                }
            },
        }
        operations[f"receive{name}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{consumer.queue}"},
            "title": f"Consume {consumer.model.event_type}",
            "summary": f"Bound to `{events}` by `{consumer.routing_key}`; acknowledged once "
            "applied.",
            "messages": [{"$ref": f"#/channels/{consumer.queue}/messages/{name}"}],
            "bindings": {
                "amqp": {
                    "cc": [consumer.routing_key],
                    "ack": True,
                    "bindingVersion": AMQP_BINDING,
                }
            },
        }
    _publications(components, channels, operations, f"{namespace}.{publishes_to}", list(published))
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": f"Cap Métiers {service} events",
            "version": version,
            "description": f"Events published and consumed by the {service} service. "
            + ENVELOPE_DESCRIPTION,
        },
        "defaultContentType": "application/json",
        "servers": SERVERS,
        "channels": channels,
        "operations": operations,
        "components": components.as_dict(),
    }


PARTNER_DESCRIPTION = (
    """\
The events Cap Métiers Nouvelle-Aquitaine publishes for other regional platforms: member \
structures by SIREN and year, ParcoursPro training sessions and their places, attendance with \
a pseudonymous participant reference, and the auditorium's reservations. No e-mail address \
and no person's name ever travels here.

How to receive them (docs/partners.md): the agency gives you a user, its password and your \
queue `{namespace}.partner.<your name>`, bound to the topic exchange `{namespace}.partners`. \
Connect to the server below with those credentials and consume your queue (you may not declare \
queues or exchanges, nor read any other queue). Acknowledge a message once you have stored \
it.

"""
    + ENVELOPE_DESCRIPTION
    + """ Within one aggregate (`aggregate_id`) keep the highest \
`aggregate_version`; order across aggregates is not guaranteed. Versions of these events are \
their own (`v1`), independent of the platform's internal events."""
)


def partner_document(
    *, version: str, namespace: str, published: Iterable[EventSpec]
) -> dict[str, Any]:
    """The partner document: what a partner's queue carries, and the routing keys behind it."""
    components = _Components()
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    exchange = f"{namespace}.partners"
    specs = sorted(published, key=lambda s: s.routing_key)
    _publications(components, channels, operations, exchange, specs)
    queue = f"{namespace}.partner.{{partner}}"
    names = [message_id(spec.model) for spec in specs]
    channels["partnerQueue"] = {
        "address": queue,
        "title": "Your queue",
        "description": f"The durable quorum queue of one partner, bound to `{exchange}` "
        "with `#` (every partner event): the only one its user may read.",
        "parameters": {
            "partner": {"description": "Your partner name, given by the agency (a-z, 0-9, -)."}
        },
        "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in names},
        "bindings": {
            "amqp": {
                "is": "queue",
                "queue": _queue_binding(queue),
                "bindingVersion": AMQP_BINDING,
            }
        },
    }
    operations["receivePartnerEvents"] = {
        "action": "receive",
        "channel": {"$ref": "#/channels/partnerQueue"},
        "title": "Consume your queue",
        "summary": "What a partner's consumer does: take each message, store it, then ack.",
        "messages": [{"$ref": f"#/channels/partnerQueue/messages/{name}"} for name in names],
        "bindings": {"amqp": {"ack": True, "bindingVersion": AMQP_BINDING}},
    }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "Cap Métiers partner events",
            "version": version,
            "description": PARTNER_DESCRIPTION.format(namespace=namespace),
            "contact": {
                "name": "Cap Métiers Nouvelle-Aquitaine",
                "url": "https://www.cap-metiers.fr",
            },
        },
        "defaultContentType": "application/json",
        "servers": SERVERS,
        "channels": channels,
        "operations": operations,
        "components": components.as_dict(),
    }


class Document:
    """A built document, as the web app serves it (``scripts/asyncapi.py`` writes it as YAML)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    @property
    def title(self) -> str:
        title: str = self.data["info"]["title"]
        return title

    def to_json(self) -> str:
        return json.dumps(self.data, ensure_ascii=False)
