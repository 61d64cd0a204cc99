"""One example of every event, as its AsyncAPI document shows it.

The partner events have hand-written examples (a partner reads them first); an internal event's
example is made from its fields' names and types. Each is a model instance, so an example that
no longer fits its contract fails where it is built, and its envelope is fixed (no random id,
no clock) so that the documents are the same at every build.
"""

from __future__ import annotations

import types
import typing
import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel

from shared.contracts import partners
from shared.contracts.base import Event
from shared.contracts.envelope import Envelope

SIREN = "356000000"
SIRET = "35600000000048"
SESSION = uuid.UUID("5e55a0b1-6c1d-4d7e-9a53-4f0c8b6a2f10")
ACTION = uuid.UUID("ac710000-2b7e-4c3a-8d1e-0f6a7b8c9d01")
MEMBERSHIP = uuid.UUID("3e3b0e8a-1f4d-4c9b-b1a2-6d7e8f901234")
BOOKING = uuid.UUID("b0c1d2e3-f405-4a6b-8c7d-9e0f1a2b3c4d")
AUDITORIUM = uuid.UUID("a0d17000-0000-4000-8000-000000000001")

#: Values of the fields whose name says what they hold, for the internal events' examples.
_BY_NAME: dict[str, Any] = {
    "siren": SIREN,
    "siret": SIRET,
    "beneficiary_sirets": ["35600000000055"],
    "participant_email": "camille.martin@example.org",
    "recipient_email": "camille.martin@example.org",
    "email": "contact@example.org",
    "legal_name": "Mission locale des Graves",
    "name": "Antenne de Talence",
    "address_line": "102 avenue de Canéjan",
    "postal_code": "33600",
    "city": "Pessac",
    "insee_code": "33318",
    "department": "33",
    "place": "Centre Régional Vincent Merle, Pessac",
    "title": "Accompagner les transitions professionnelles",
    "resource_name": "Auditorium",
    "starts_at": time(9, 0),
    "ends_at": time(17, 0),
    "year": 2025,
    "session_id": SESSION,
    "action_id": ACTION,
    "membership_id": MEMBERSHIP,
    "booking_id": BOOKING,
    "resource_id": AUDITORIUM,
    "certificate_number": "QUALIOPI-2025-0042",
    "credential_id": "urn:uuid:0c8f9a2e-4b1d-4e6f-9a3b-2d5c7e9f1a0b",
}

PARTNER_EXAMPLES: dict[type[Event], Event] = {
    partners.MemberStatusChanged: partners.MemberStatusChanged(
        siren=SIREN,
        year=2025,
        status="active",
        since=date(2025, 3, 4),
        until=date(2025, 12, 31),
        establishment_sirets=["35600000000055"],
        training_organisation=True,
    ),
    partners.MemberEstablishmentAdded: partners.MemberEstablishmentAdded(
        siren=SIREN, siret="35600000000055"
    ),
    partners.MemberEstablishmentRemoved: partners.MemberEstablishmentRemoved(
        siren=SIREN, siret="35600000000055"
    ),
    partners.TrainingSessionScheduled: partners.TrainingSessionScheduled(
        session_id=SESSION,
        action_id=ACTION,
        action_type="training",
        title="Accompagner les transitions professionnelles",
        starts_on=date(2025, 3, 18),
        ends_on=date(2025, 3, 19),
        remote=False,
        place="Centre Régional Vincent Merle, Pessac",
        department="33",
        capacity=12,
        registration_opens_on=date(2025, 1, 27),
    ),
    partners.TrainingSessionPlacesChanged: partners.TrainingSessionPlacesChanged(
        session_id=SESSION, capacity=12, places_taken=11, places_left=1, waiting=0
    ),
    partners.TrainingSessionCancelled: partners.TrainingSessionCancelled(
        session_id=SESSION, action_id=ACTION, starts_on=date(2025, 3, 18)
    ),
    partners.TrainingAttendanceRecorded: partners.TrainingAttendanceRecorded(
        session_id=SESSION,
        action_id=ACTION,
        action_type="training",
        session_starts_on=date(2025, 3, 18),
        siren=SIREN,
        participant="p-8f14e45fceea167a5a36dedd4bea2543",
        attendance="present",
    ),
    partners.AuditoriumReserved: partners.AuditoriumReserved(
        reservation_id=BOOKING,
        resource_id=AUDITORIUM,
        resource_name="Auditorium",
        day=date(2025, 6, 12),
        starts_at=time(9, 0),
        ends_at=time(17, 0),
    ),
    partners.AuditoriumReleased: partners.AuditoriumReleased(
        reservation_id=BOOKING,
        resource_id=AUDITORIUM,
        resource_name="Auditorium",
        day=date(2025, 6, 12),
        starts_at=time(9, 0),
        ends_at=time(17, 0),
    ),
}


def _value(name: str, annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _value(name, args[0])
    if origin in (typing.Union, types.UnionType):
        return _value(name, next(a for a in args if a is not type(None)))
    if origin is Literal:
        return args[0]
    if name in _BY_NAME:
        return _BY_NAME[name]
    if origin is list:
        return [_value(name, args[0])]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _instance(annotation)
    simple: dict[Any, Any] = {
        str: name.replace("_", " "),
        int: 1,
        bool: False,
        Decimal: Decimal("150.00"),
        date: date(2025, 3, 18),
        datetime: datetime(2025, 3, 4, 9, 30, tzinfo=UTC),
        time: time(9, 0),
        uuid.UUID: uuid.uuid5(uuid.NAMESPACE_URL, f"capmetiers:{name}"),
    }
    return simple[annotation]


def _instance(model: type[BaseModel]) -> Any:
    hints = typing.get_type_hints(model, include_extras=True)
    values = {name: _value(name, hints[name]) for name in model.model_fields}
    return model.model_validate(values)


def example_of(model: type[Event]) -> Event:
    """The example event of ``model``."""
    if model in PARTNER_EXAMPLES:
        return PARTNER_EXAMPLES[model]
    built = _instance(model)
    assert isinstance(built, Event)
    return built


def example_envelope(model: type[Event]) -> Envelope:
    """The example message of ``model``: its example event in a fixed envelope."""
    event = example_of(model)
    key = f"{model.event_type}.v{model.event_version}"
    return Envelope(
        message_id=uuid.uuid5(uuid.NAMESPACE_URL, f"capmetiers:example:{key}"),
        event_type=model.event_type,
        event_version=model.event_version,
        occurred_at=datetime(2025, 3, 4, 9, 30, 12, tzinfo=UTC),
        producer=model.producer,
        aggregate_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"capmetiers:aggregate:{key}")),
        aggregate_version=3,
        correlation_id="c0ffee00-1234-4abc-9def-000000000001",
        causation_id=None,
        payload=event.model_dump(mode="json"),
    )
