"""Every event survives the wire: model -> envelope JSON -> registry decode -> equal model."""

from __future__ import annotations

import types
import typing
import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, Literal

import pytest
from pydantic import BaseModel

from shared.contracts import REGISTRY, Envelope, Event, EventSpec, UnknownEventError
from shared.messaging.outbox import AggregateRef, build_envelope

SPECS = sorted(REGISTRY, key=lambda s: (s.event_type, s.version))
_BY_NAME = {"siren": "356000000", "siret": "35600000000048"}


def sample_value(name: str, annotation: Any) -> Any:
    """A valid value of ``annotation`` for a field called ``name``."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return sample_value(name, args[0])
    if origin in (typing.Union, types.UnionType):
        return sample_value(name, next(a for a in args if a is not type(None)))
    if origin is Literal:
        return args[0]
    if origin is list:
        return [sample_value(name, args[0])]
    if name in _BY_NAME:
        return _BY_NAME[name]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return sample(annotation)
    simple: dict[Any, Any] = {
        str: f"{name} value",
        int: 2025,
        bool: True,
        Decimal: Decimal("150.00"),
        date: date(2025, 11, 20),
        datetime: datetime(2025, 11, 20, 9, 30, tzinfo=UTC),
        time: time(9, 0),
        uuid.UUID: uuid.UUID("00000000-0000-4000-8000-000000000001"),
    }
    return simple[annotation]


M = typing.TypeVar("M", bound=BaseModel)


def sample(model: type[M]) -> M:
    return model(**{n: sample_value(n, f.annotation) for n, f in model.model_fields.items()})


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.event_type)
def test_x2_event_round_trips_through_the_envelope(spec: EventSpec) -> None:
    event = sample(spec.model)
    envelope = build_envelope(event, aggregate=AggregateRef("agg-1", None), correlation_id="corr-1")
    wire = envelope.model_dump_json()
    received = Envelope.model_validate_json(wire)
    decoded = REGISTRY.decode(received)
    assert decoded == event
    assert received.event_type == spec.event_type
    assert received.producer == spec.producer
    assert received.correlation_id == "corr-1"


def test_x2_money_travels_as_a_two_decimal_string() -> None:
    spec = REGISTRY.by_routing_key("membership.approved.v1")
    event: Event = sample(spec.model)
    payload = build_envelope(event, aggregate=AggregateRef("a", None)).payload
    assert payload["amount"] == "150.00"


def test_x2_unknown_event_version_is_refused() -> None:
    envelope = build_envelope(
        sample(REGISTRY.spec("InvoicePaid", 1).model), aggregate=AggregateRef("a", None)
    )
    bumped = envelope.model_copy(update={"event_version": 99})
    with pytest.raises(UnknownEventError):
        REGISTRY.decode(bumped)
