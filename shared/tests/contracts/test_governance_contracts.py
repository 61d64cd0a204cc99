"""M11: the General Assembly's and the open badges' events, as the membership service publishes
them (their JSON Schemas are snapshotted with every other event's)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from uuid import UUID

import pytest
from pydantic import ValidationError

from shared.contracts import REGISTRY, Envelope
from shared.contracts.governance import (
    AssemblyClosed,
    AssemblyConvened,
    AssemblyOpened,
    AssemblyParticipant,
    BadgeAwarded,
    BadgeRevoked,
    ConvenedStructure,
)
from shared.messaging.outbox import AggregateRef, build_envelope

ASSEMBLY = UUID("00000000-0000-4000-8000-00000000a601")


def test_m11_governance_events_are_membership_s_with_their_routing_keys() -> None:
    keys = {
        model: REGISTRY.spec_for(model)
        for model in (AssemblyConvened, AssemblyOpened, AssemblyClosed, BadgeAwarded, BadgeRevoked)
    }
    assert {m.event_type: s.routing_key for m, s in keys.items()} == {
        "AssemblyConvened": "assembly.convened.v1",
        "AssemblyOpened": "assembly.opened.v1",
        "AssemblyClosed": "assembly.closed.v1",
        "BadgeAwarded": "badge.awarded.v1",
        "BadgeRevoked": "badge.revoked.v1",
    }
    assert {s.producer for s in keys.values()} == {"membership"}


def test_m11_assembly_convened_carries_the_convened_structures_contacts() -> None:
    event = AssemblyConvened(
        assembly_id=ASSEMBLY,
        title="Assemblée générale ordinaire 2026",
        held_on=date(2026, 6, 12),
        starts_at=time(14, 0),
        address="Pessac",
        agenda=["Rapport moral", "Rapport financier"],
        convened=[
            ConvenedStructure(
                siren="123456782", legal_name="Mission locale", email="ml@example.org"
            ),
            ConvenedStructure(siren="987654321", legal_name="CIO de Poitiers"),
        ],
        convened_at=datetime(2026, 5, 20, 9, 0, tzinfo=UTC),
    )
    wire = build_envelope(event, aggregate=AggregateRef(str(ASSEMBLY), 1)).model_dump_json()
    received = Envelope.model_validate_json(wire)
    assert received.payload["convened"][0] == {
        "siren": "123456782",
        "legal_name": "Mission locale",
        "email": "ml@example.org",
    }
    assert received.payload["starts_at"] == "14:00:00"
    assert REGISTRY.decode(received) == event


def test_m11_a_participant_or_convened_structure_is_named_by_its_siren() -> None:
    with pytest.raises(ValidationError):
        ConvenedStructure(siren="12345678200019", legal_name="An establishment")
    with pytest.raises(ValidationError):
        AssemblyParticipant(siren="123456782", legal_name="ML", participation="absent")  # type: ignore[arg-type]


def test_m11_badge_revoked_says_why() -> None:
    event = BadgeRevoked(
        award_id=UUID(int=1),
        badge="assembly_participation",
        siren="123456782",
        reason="membership_lapsed",
        revoked_at=datetime(2027, 2, 16, 0, 5, tzinfo=UTC),
    )
    assert event.model_dump(mode="json")["reason"] == "membership_lapsed"
    with pytest.raises(ValidationError):
        BadgeRevoked.model_validate({**event.model_dump(), "reason": "expired"})
