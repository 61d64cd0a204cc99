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
from shared.contracts.partners import PARTNER_REGISTRY
from shared.contracts.registry import REGISTRY, EventRegistry

HEADER = """# Event catalogue

The events the Cap Métiers services publish on RabbitMQ: the platform's internal events, on
`capmetiers.events`, and the **partner events** that other regional platforms receive, on
`capmetiers.partners` ([below](#partner-events)). Both contracts are versioned, each on its
own. A partner never reads the internal exchange: it connects as described in
[partners.md](partners.md). The AsyncAPI documents of both are in [asyncapi/](asyncapi/).

## Transport

- One durable **topic** exchange, `capmetiers.events`. Routing key `<aggregate>.<event>.v<major>`.
  Each consuming handler of a service has its own durable queue bound to the keys it needs.
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
| `producer` | string | `membership`, `training`, `booking`, `billing`; `exchange` for partner events |
| `aggregate_id` | string | the entity the event is about |
| `aggregate_version` | int or null | its version after the change, where kept |
| `correlation_id` | string | the request or flow that led to it |
| `causation_id` | string or null | the `message_id` of the event that caused it |
| `payload` | object | the event's fields, below |

Money is a string with two decimals (`"150.00"`, euros). Dates are ISO 8601.

## Versioning

Adding an optional field keeps the version. Any other change is a new major version: a new
routing key `….v2` published beside the old one until its consumers have moved. The JSON Schema
of every version is kept under `shared/tests/contracts/snapshots/`. The AsyncAPI document of
each service is kept in `docs/asyncapi/<service>.yaml` (`uv run python scripts/asyncapi.py`)
and served at `/asyncapi` (HTML) and `/asyncapi.json`.
"""

PARTNER_HEADER = """## Partner events

What other regional platforms receive: a public shape of some internal events, made by the
exchange service (`services/exchange`), which consumes the internal events with the kit (inbox,
version guards) and writes the partner events to its own outbox, published by its relay to the
durable topic exchange **`capmetiers.partners`**. So a partner event exists if and only if the
internal event it comes from was applied, once. Each partner reads only its own queue
`capmetiers.partner.<name>`, bound to that exchange with `#` ([partners.md](partners.md));
their AsyncAPI document is [asyncapi/partners.yaml](asyncapi/partners.yaml).

The same envelope as above, with `producer` = `exchange`; `causation_id` is the `message_id`
of the internal event it comes from. Partner events are versioned apart from the internal
ones (their own `v1`, their own snapshots under `shared/tests/contracts/snapshots/partners/`):
a change of an internal event changes no partner event while the mapping can still fill it.

**What is in, what is out.** Chosen from the charter for what another regional platform has a
use for: whether a structure (SIREN, and its establishments' SIRETs, M7) is a member in a year
and until when (M3, M4); the ParcoursPro sessions, where and when they take place and how many
places are left (T1, T5, T8), and attendance (T7) to count participants across platforms;
when the auditorium at Pessac is taken (B3). Left out: every e-mail address and every name
(of a person, and of a structure too, which for a sole trader is a person's; a partner looks a
SIREN up in the public SIRENE register), free texts that may name someone (a cancellation's
reason), anything financial (plans, amounts, invoices, payments, the reason of a lapse),
applications and board decisions, the General Assembly and badges, meeting-room and Lab Studio
bookings and who booked what. A participant is a **pseudonymous reference** `p-<32 hex>`: an
HMAC-SHA256 of the normalised e-mail under a key the agency keeps (`EXCHANGE_PSEUDONYM_KEY`),
the same for one person in every event, telling no one who it is.

**Versions within an aggregate.** Keep the event with the highest `aggregate_version` of an
`aggregate_id`. Member status and establishments carry the membership service's version; every
partner event about a training session (scheduled, places, cancelled) carries one sequence of
the session's own, kept by the exchange service.

| partner event | routing key | from the internal events |
|---|---|---|
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


def _section(model: type[Event], registry: EventRegistry = REGISTRY) -> str:
    spec = registry.spec_for(model)
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
    rows = [
        f"| [{spec.event_type}](#{spec.event_type.lower()}-v{spec.version}) | "
        f"`{spec.routing_key}` | "
        + ", ".join(f"`{source}`" for source in getattr(spec.model, "sources", ()))
        + " |"
        for spec in PARTNER_REGISTRY
    ]
    parts.append(PARTNER_HEADER + "\n".join(rows) + "\n")
    for spec in PARTNER_REGISTRY:
        parts.append(_section(spec.model, PARTNER_REGISTRY))
    return "\n".join(parts)


if __name__ == "__main__":
    print(render(), end="")
