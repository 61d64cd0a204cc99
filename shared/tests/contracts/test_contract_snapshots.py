"""The public event contract changes only deliberately.

Each event version has a JSON Schema snapshot of what travels (the envelope with its typed
payload) and its routing key. A change to a published model fails here until the snapshot is
regenerated on purpose: ``UPDATE_CONTRACT_SNAPSHOTS=1 uv run pytest shared/tests/contracts``.
Adding an optional field keeps the version; anything breaking needs a new version (a new model
and routing key ``.v2`` published beside the old one).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from shared.asyncapi import envelope_of
from shared.contracts import REGISTRY, EventSpec
from shared.contracts.partners import PARTNER_REGISTRY

SNAPSHOTS = Path(__file__).parent / "snapshots"
#: The partner events' snapshots: a contract of its own (docs/events.md, Partner events).
PARTNER_SNAPSHOTS = SNAPSHOTS / "partners"
SPECS = sorted(REGISTRY, key=lambda s: (s.event_type, s.version))
PARTNER_SPECS = sorted(PARTNER_REGISTRY, key=lambda s: (s.event_type, s.version))
ALL = [(SNAPSHOTS, spec) for spec in SPECS] + [(PARTNER_SNAPSHOTS, spec) for spec in PARTNER_SPECS]


def snapshot_of(spec: EventSpec) -> dict[str, object]:
    return {
        "event_type": spec.event_type,
        "event_version": spec.version,
        "routing_key": spec.routing_key,
        "producer": spec.producer,
        "schema": envelope_of(spec.model).model_json_schema(mode="serialization"),
    }


@pytest.mark.parametrize(
    ("folder", "spec"), ALL, ids=[f"{s.producer}.{s.event_type}.v{s.version}" for _, s in ALL]
)
def test_x2_published_event_matches_its_schema_snapshot(folder: Path, spec: EventSpec) -> None:
    path = folder / f"{spec.event_type}.v{spec.version}.json"
    current = snapshot_of(spec)
    if os.environ.get("UPDATE_CONTRACT_SNAPSHOTS"):
        path.write_text(json.dumps(current, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    assert path.exists(), f"no snapshot for {spec.event_type} v{spec.version}: see module doc"
    assert json.loads(path.read_text()) == current, (
        f"the published contract of {spec.event_type} v{spec.version} changed; "
        "if that is deliberate and compatible, regenerate the snapshot (see module doc)"
    )


def test_x2_every_snapshot_belongs_to_a_registered_event() -> None:
    for folder, specs in ((SNAPSHOTS, SPECS), (PARTNER_SNAPSHOTS, PARTNER_SPECS)):
        known = {f"{s.event_type}.v{s.version}.json" for s in specs}
        stale = sorted(p.name for p in folder.glob("*.json") if p.name not in known)
        assert not stale, f"snapshots of events no longer published: {stale}"


def test_x2_partner_events_are_a_registry_apart_from_the_internal_events() -> None:
    internal = {s.event_type for s in SPECS} | {s.routing_key for s in SPECS}
    for spec in PARTNER_SPECS:
        assert spec.producer == "exchange"
        assert spec.event_type not in internal
        assert spec.routing_key not in internal
        for source in spec.model.sources:  # type: ignore[attr-defined]
            assert source in internal, f"{spec.event_type} maps an unknown event {source}"


def test_x2_routing_keys_follow_aggregate_event_version() -> None:
    for spec in [*SPECS, *PARTNER_SPECS]:
        stem, _, version = spec.routing_key.rpartition(".")
        assert version == f"v{spec.version}"
        assert len(stem.split(".")) == 2, spec.routing_key
        assert spec.routing_key == spec.routing_key.lower()


def test_x2_published_catalogue_document_is_current() -> None:
    from shared.contracts.catalogue import render

    document = Path(__file__).resolve().parents[3] / "docs" / "events.md"
    assert document.read_text() == render(), (
        "docs/events.md is stale: uv run python -m shared.contracts.catalogue > docs/events.md"
    )
