"""A partner platform's consumer, written from the published AsyncAPI document alone.

It knows nothing of the platform's code: the message schemas, the routing keys and the shape of
its queue's name all come from ``docs/asyncapi/partners.yaml``, and its credentials from what
the agency gave it (``python -m exchange partner add``). It reads its queue, validates each
message against the schema of its routing key, keeps it once (deduplicated on
``message_id``), keeps the newest of each aggregate, and acknowledges it after.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aio_pika
import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "asyncapi" / "partners.yaml"


@dataclass(frozen=True)
class Contract:
    """What the document says: per message type (the AMQP ``type`` property, the message's
    ``bindings.amqp.messageType``), its schema and the routing key it is published with."""

    document: dict[str, Any]
    validators: dict[str, jsonschema.Draft7Validator]
    routing_keys: dict[str, str]

    @classmethod
    def load(cls, path: Path = DOCUMENT) -> Contract:
        document: dict[str, Any] = yaml.safe_load(path.read_text())
        registry: Registry[Any] = Registry().with_resource(
            "urn:partners", Resource.from_contents(document, default_specification=DRAFT7)
        )
        validators: dict[str, jsonschema.Draft7Validator] = {}
        routing_keys: dict[str, str] = {}
        for channel in document["channels"].values():
            amqp = channel.get("bindings", {}).get("amqp", {})
            if amqp.get("is") != "routingKey":
                continue
            [reference] = [m["$ref"] for m in channel["messages"].values()]
            message = _resolve(document, reference)
            kind = message["bindings"]["amqp"]["messageType"]
            validators[kind] = jsonschema.Draft7Validator(
                {"$ref": "urn:partners" + message["payload"]["$ref"]},
                registry=registry,
                format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER,
            )
            routing_keys[kind] = channel["address"]
        return cls(document, validators, routing_keys)

    def queue_of(self, partner: str) -> str:
        """The partner queue's name, from the document's address template."""
        address: str = self.document["channels"]["partnerQueue"]["address"]
        return address.replace("{partner}", partner)

    def exchange(self) -> str:
        channel = next(
            c for c in self.document["channels"].values() if "exchange" in c["bindings"]["amqp"]
        )
        name: str = channel["bindings"]["amqp"]["exchange"]["name"]
        return name


def _resolve(document: dict[str, Any], reference: str) -> dict[str, Any]:
    node: Any = document
    for part in reference.removeprefix("#/").split("/"):
        node = node[part]
    result: dict[str, Any] = node
    return result


@dataclass
class Received:
    """What the consumer kept: each message once, and the newest of each aggregate."""

    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    bodies: list[bytes] = field(default_factory=list)
    duplicates: int = 0
    invalid: list[str] = field(default_factory=list)
    latest: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def of_type(self, name: str) -> list[dict[str, Any]]:
        return [m for m in self.messages.values() if m["event_type"] == name]


class PartnerConsumer:
    def __init__(self, contract: Contract, url: str, queue: str) -> None:
        self.contract = contract
        self.url = url
        self.queue = queue
        self.received = Received()
        self._changed = asyncio.Event()

    def handle(self, kind: str, routing_key: str, body: bytes) -> None:
        """One delivery: its type says which schema; a replayed one comes through the default
        exchange (routing key = the queue), a published one with its event's routing key."""
        self.received.bodies.append(body)
        self._changed.set()
        validator = self.contract.validators.get(kind)
        message = json.loads(body)
        if validator is None:
            self.received.invalid.append(f"{kind}: no such message in the document")
            return
        errors = [e.message for e in validator.iter_errors(message)]
        expected = {self.contract.routing_keys[kind], self.queue}
        if errors or message["event_type"] != kind or routing_key not in expected:
            self.received.invalid.append(f"{kind} on {routing_key}: {errors or message}")
            return
        if message["message_id"] in self.received.messages:
            self.received.duplicates += 1
            return
        self.received.messages[message["message_id"]] = message
        key = (message["event_type"], message["aggregate_id"])
        stored = self.received.latest.get(key)
        if stored is None or (message["aggregate_version"] or 0) >= (
            stored["aggregate_version"] or 0
        ):
            self.received.latest[key] = message

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[PartnerConsumer]:
        """Consume the queue until the block ends (a message is acked once handled)."""
        connection = await aio_pika.connect(self.url)
        async with connection:
            channel = await connection.channel()
            await channel.set_qos(prefetch_count=50)
            # passive: a partner declares nothing, its queue exists already
            queue = await channel.declare_queue(self.queue, passive=True)

            async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
                async with message.process():
                    self.handle(message.type or "", message.routing_key or "", message.body)

            tag = await queue.consume(on_message)
            try:
                yield self
            finally:
                await queue.cancel(tag)

    async def wait_for(self, done: Any, within: float = 60.0) -> None:
        """Until ``done(received)`` holds (checked after each delivery)."""
        async with asyncio.timeout(within):
            while not done(self.received):
                await self._changed.wait()
                self._changed.clear()
