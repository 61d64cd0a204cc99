"""Renders the public event catalogue as Markdown: ``python -m shared.contracts.catalogue``.

``docs/events.md`` is this output; a test keeps the two equal.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel

from shared.contracts.base import Event
from shared.contracts.governance import AssemblyParticipant, ConvenedStructure
from shared.contracts.membership import CustomerDetails
from shared.contracts.registry import REGISTRY

HEADER = """# Event catalogue

The events the Cap Métiers services publish on RabbitMQ. Other regional platforms may consume
them: this contract is public and versioned.

## Transport

- One durable **topic** exchange, `capmetiers.events`. Routing key `<aggregate>.<event>.v<major>`.
  Bind your own durable queue to the keys you need (e.g. `membership.*.v1`).
- Messages are persistent, `content_type` `application/json`. The AMQP properties mirror the
  envelope: `message_id`, `type` (= `event_type`), `correlation_id`, `app_id` (= `producer`),
  `timestamp` (= `occurred_at`). A message caused by a traced request or event carries its
  W3C trace context in the headers `traceparent` (and `tracestate`): a consumer may continue
  the trace, or ignore them.
- Delivery is **at least once**: deduplicate on `message_id`. Order is not guaranteed across
  aggregates; within one aggregate use `aggregate_version` where given to ignore stale events.

## Envelope

| field | type | meaning |
|---|---|---|
| `message_id` | UUID | unique per message; the deduplication key |
| `event_type` | string | PascalCase name, e.g. `MembershipActivated` |
| `event_version` | int | major version, also the routing key's `v<major>` |
| `occurred_at` | RFC 3339 UTC | when the fact happened |
| `producer` | string | `membership`, `training`, `booking` or `billing` |
| `aggregate_id` | string | the entity the event is about |
| `aggregate_version` | int or null | its version after the change, where kept |
| `correlation_id` | string | the request or flow that led to it |
| `causation_id` | string or null | the `message_id` of the event that caused it |
| `payload` | object | the event's fields, below |

Money is a string with two decimals (`"150.00"`, euros). Dates are ISO 8601.

## Versioning

Adding an optional field keeps the version. Any other change is a new major version: a new
routing key `….v2` published beside the old one until its consumers have moved. The JSON Schema
of every version is kept under `shared/tests/contracts/snapshots/`, and the AsyncAPI document
of each service is served at `/asyncapi` (HTML) and `/asyncapi.json`.
"""


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return (
            "money"
            if args and getattr(args[0], "__name__", "") == "Decimal"
            else _type_name(args[0])
        )
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin in (typing.Union, __import__("types").UnionType):
        inner = [a for a in args if a is not type(None)]
        return " or ".join(_type_name(a) for a in inner) + (
            " or null" if len(inner) < len(args) else ""
        )
    if origin is list:
        return f"list of {_type_name(args[0])}"
    names = {
        "Decimal": "money (string)",
        "str": "string",
        "UUID": "UUID",
        "date": "date",
        "datetime": "date-time",
        "time": "time",
        "int": "integer",
        "bool": "boolean",
    }
    name = getattr(annotation, "__name__", str(annotation))
    return names.get(name, f"[{name}](#{name.lower()})")


def _fields(model: type[BaseModel]) -> list[str]:
    lines = ["| field | type | required |", "|---|---|---|"]
    for name, field in model.model_fields.items():
        required = "yes" if field.is_required() else "no"
        lines.append(f"| `{name}` | {_type_name(field.annotation)} | {required} |")
    return lines


def _section(model: type[Event]) -> str:
    spec = REGISTRY.spec_for(model)
    doc = " ".join((model.__doc__ or "").split())
    lines = [
        f"### {spec.event_type} (v{spec.version})",
        "",
        f"Routing key `{spec.routing_key}`, published by **{spec.producer}**."
        + (f" {doc}" if doc else ""),
        "",
        *_fields(model),
    ]
    return "\n".join(lines) + "\n"


def render() -> str:
    parts = [HEADER]
    for producer in ("membership", "training", "booking", "billing"):
        parts.append(f"## Published by {producer}\n")
        for spec in REGISTRY:
            if spec.producer == producer:
                parts.append(_section(spec.model))
    parts.append("## Shared types\n")
    for model in (CustomerDetails, ConvenedStructure, AssemblyParticipant):
        doc = " ".join((model.__doc__ or "").split())
        parts.append(f"### {model.__name__}\n\n{doc}\n")
        parts.append("\n".join(_fields(model)) + "\n")
    return "\n".join(parts)


if __name__ == "__main__":
    print(render(), end="")
