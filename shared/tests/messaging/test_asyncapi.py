"""The AsyncAPI document is built from the kit's registrations and the contracts: one channel per
handler's queue, whose message is the typed envelope of its event, one per routing key the
service publishes on, each message with its schema and an example that fits it."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from shared.runtime import ServiceRuntime
from shared.testing.probe.kit import PROBE_DIR, ProbeSettings, consumers
from shared.unit_of_work import UnitOfWork


def document(namespace: str | None = None) -> dict[str, Any]:
    runtime: ServiceRuntime[ProbeSettings, UnitOfWork] = ServiceRuntime(
        name="membership",
        version="1.0.0",
        settings=ProbeSettings(rabbitmq_namespace="doc"),
        service_dir=PROBE_DIR,
        consumers=consumers,
        make_uow=UnitOfWork,
    )
    built: dict[str, Any] = json.loads(runtime.document(namespace).to_json())
    return built


def test_each_handler_queue_is_a_channel_carrying_its_typed_envelope() -> None:
    doc = document()
    channel = doc["channels"]["doc.probe.on_qualiopi_certification_changed"]
    assert channel["bindings"]["amqp"]["queue"]["name"] == channel["address"]
    assert channel["description"].startswith("Keeps the certificate"), "the handler's docstring"
    [operation] = [
        o for o in doc["operations"].values() if o["channel"]["$ref"].endswith(channel["address"])
    ]
    assert operation["action"] == "receive"
    assert operation["bindings"]["amqp"]["cc"] == ["structure.qualiopi_changed.v1"]
    [reference] = [m["$ref"] for m in channel["messages"].values()]
    message = doc["components"]["messages"][reference.rsplit("/", 1)[1]]
    payload = message["payload"]["$ref"].rsplit("/", 1)[1]
    assert payload == "QualiopiCertificationChangedV1"
    schema = doc["components"]["schemas"][payload]
    assert {"message_id", "aggregate_id", "aggregate_version", "payload"} <= set(
        schema["properties"]
    )


def test_the_events_the_service_publishes_are_channels_too() -> None:
    doc = document()
    channel = doc["channels"]["membership.activated.v1"]
    assert channel["bindings"]["amqp"]["exchange"]["name"] == "doc.events"
    sends = {o["channel"]["$ref"] for o in doc["operations"].values() if o["action"] == "send"}
    assert "#/channels/structure.beneficiary_added.v1" in sends


def test_every_message_has_an_example_its_own_schema_accepts() -> None:
    doc = document()
    registry = Registry().with_resource(
        "urn:doc", Resource.from_contents(doc, default_specification=DRAFT7)
    )
    for name, message in doc["components"]["messages"].items():
        [example] = message["examples"]
        validator = jsonschema.Draft7Validator(
            {"$ref": "urn:doc" + message["payload"]["$ref"]}, registry=registry
        )
        validator.validate(example["payload"])
        assert example["payload"]["event_type"] == message["name"], name


def test_the_document_is_the_same_at_every_build_for_a_namespace() -> None:
    assert document("capmetiers") == document("capmetiers")
    assert (
        "capmetiers.probe.on_qualiopi_certification_changed" in document("capmetiers")["channels"]
    )
