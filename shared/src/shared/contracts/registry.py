"""Maps (event type, version) to its model and routing key, and back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from shared.contracts import billing, booking, governance, membership, training
from shared.contracts.base import Event
from shared.contracts.envelope import Envelope


class UnknownEventError(LookupError):
    pass


@dataclass(frozen=True)
class EventSpec:
    model: type[Event]
    event_type: str
    version: int
    routing_key: str
    producer: str


class EventRegistry:
    def __init__(self, models: list[type[Event]]) -> None:
        self._by_key: dict[tuple[str, int], EventSpec] = {}
        self._by_routing_key: dict[str, EventSpec] = {}
        for model in models:
            spec = EventSpec(
                model=model,
                event_type=model.event_type,
                version=model.event_version,
                routing_key=model.routing_key(),
                producer=model.producer,
            )
            if (spec.event_type, spec.version) in self._by_key:
                raise ValueError(f"{spec.event_type} v{spec.version} registered twice")
            if spec.routing_key in self._by_routing_key:
                raise ValueError(f"routing key {spec.routing_key} registered twice")
            self._by_key[(spec.event_type, spec.version)] = spec
            self._by_routing_key[spec.routing_key] = spec

    def __iter__(self) -> Iterator[EventSpec]:
        return iter(self._by_key.values())

    def spec(self, event_type: str, version: int) -> EventSpec:
        try:
            return self._by_key[(event_type, version)]
        except KeyError:
            raise UnknownEventError(f"unknown event {event_type} v{version}") from None

    def spec_for(self, model: type[Event]) -> EventSpec:
        return self.spec(model.event_type, model.event_version)

    def by_routing_key(self, routing_key: str) -> EventSpec:
        try:
            return self._by_routing_key[routing_key]
        except KeyError:
            raise UnknownEventError(f"no event is published on {routing_key}") from None

    def decode(self, envelope: Envelope) -> Event:
        spec = self.spec(envelope.event_type, envelope.event_version)
        return spec.model.model_validate(envelope.payload)


def _catalogue() -> list[type[Event]]:
    modules = (membership, governance, training, booking, billing)
    found: list[type[Event]] = []
    for module in modules:
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Event)
                and "event_type" in value.__dict__
            ):
                found.append(value)
    return found


REGISTRY = EventRegistry(_catalogue())
