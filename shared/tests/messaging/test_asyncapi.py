"""The AsyncAPI document is built from the kit's registrations: one channel per handler's
queue, whose message is the typed envelope of its event, and one per event the service
publishes. The broker it is read from is never consumed by FastStream."""

from __future__ import annotations

import json
from typing import Any

from shared.runtime import ServiceRuntime
from shared.testing.probe.kit import PROBE_DIR, ProbeSettings, consumers
from shared.unit_of_work import UnitOfWork


def document() -> dict[str, Any]:
    runtime: ServiceRuntime[ProbeSettings, UnitOfWork] = ServiceRuntime(
        name="membership",
        version="1.0.0",
        settings=ProbeSettings(rabbitmq_namespace="doc"),
        service_dir=PROBE_DIR,
        consumers=consumers,
        make_uow=UnitOfWork,
    )
    built: dict[str, Any] = json.loads(runtime.asyncapi.to_json())
    return built


def test_each_handler_queue_is_a_channel_carrying_its_typed_envelope() -> None:
    doc = document()
    channel = doc["channels"]["doc.probe.on_qualiopi_certification_changed"]
    assert channel["address"] == "structure.qualiopi_changed.v1"
    assert channel["description"].startswith("Keeps the certificate"), "the handler's docstring"
    [reference] = [m["$ref"] for m in channel["messages"].values()]
    message = doc["components"]["messages"][reference.rsplit("/", 1)[1]]
    payload = message["payload"]["$ref"].rsplit("/", 1)[1]
    assert payload == "QualiopiCertificationChangedV1"
    schema = doc["components"]["schemas"][payload]
    assert {"message_id", "aggregate_id", "aggregate_version", "payload"} <= set(
        schema["properties"]
    )


def test_the_events_the_service_publishes_are_channels_too() -> None:
    channels = document()["channels"]
    assert "membership.activated.v1:publish" in channels
    assert "structure.beneficiary_added.v1:publish" in channels
