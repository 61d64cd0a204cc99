"""The pure parts of the messaging kit: relay backoff, message building, retry queue names."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import aio_pika
import pytest

from shared.contracts import BeneficiaryAdded
from shared.messaging.consumers import handler_name
from shared.messaging.relay import MAX_BACKOFF_S, backoff_seconds, build_message
from shared.messaging.topology import ConsumerQueue, Topology


@pytest.mark.parametrize(
    ("attempts", "delay"),
    [(0, 1.0), (1, 2.0), (2, 4.0), (3, 8.0), (5, 32.0), (6, 60.0), (7, 60.0), (50, 60.0)],
)
def test_x2_relay_backoff_doubles_from_one_second_up_to_a_minute(
    attempts: int, delay: float
) -> None:
    assert backoff_seconds(attempts) == delay


def test_x2_relay_backoff_never_decreases_and_stays_capped() -> None:
    delays = [backoff_seconds(n) for n in range(200)]
    assert delays == sorted(delays)
    assert max(delays) == MAX_BACKOFF_S


def test_x2_relayed_message_is_persistent_and_mirrors_the_envelope_into_properties() -> None:
    row_id = uuid.uuid4()
    payload = json.dumps({"message_id": str(row_id), "event_type": "BeneficiaryAdded"})
    message = build_message(
        {
            "id": row_id,
            "routing_key": "structure.beneficiary_added.v1",
            "event_type": "BeneficiaryAdded",
            "payload": payload,
            "correlation_id": "corr-1",
            "occurred_at": "2026-11-27T10:00:00+00:00",
        },
        "membership",
    )
    assert message.body == payload.encode(), "the stored envelope is the body, unparsed"
    assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    assert message.message_id == str(row_id)
    assert message.correlation_id == "corr-1"
    assert message.type == "BeneficiaryAdded"
    assert message.app_id == "membership"
    assert message.content_type == "application/json"
    assert message.timestamp == datetime(2026, 11, 27, 10, tzinfo=UTC)
    assert not message.headers, "nothing beyond the documented properties"


def test_x2_retry_queue_per_attempt_then_the_last_delay_repeats() -> None:
    queue = ConsumerQueue("ns.billing.on_x", ("a.b.v1",), retry_delays_ms=(100, 300))
    assert queue.retry_queue_for_attempt(1) == "ns.billing.on_x.retry.100ms"
    assert queue.retry_queue_for_attempt(2) == "ns.billing.on_x.retry.300ms"
    assert queue.retry_queue_for_attempt(9) == "ns.billing.on_x.retry.300ms"
    assert queue.dlq == "ns.billing.on_x.dlq"
    arguments = queue.main_arguments("ns.dlx")
    assert arguments["x-dead-letter-exchange"] == "ns.dlx"
    assert arguments["x-dead-letter-routing-key"] == "ns.billing.on_x.dlq"
    assert arguments["x-queue-type"] == "quorum"


def test_x2_topology_names_live_in_the_namespace() -> None:
    topology = Topology(namespace="t1")
    assert (topology.exchange, topology.dead_letter_exchange, topology.journal) == (
        "t1.events",
        "t1.dlx",
        "t1.journal",
    )
    assert handler_name(BeneficiaryAdded) == "on_beneficiary_added"
