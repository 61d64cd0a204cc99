"""What the messaging kit tells of itself, on the real servers: each queue's outcomes,
failures, retries and DLQ moves, the relay's publications and the backlog it leaves, the depth
of the DLQs; and the trace context an outbox row keeps for the relay to send on."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aio_pika
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import REGISTRY

from shared.messaging import dlq
from shared.observability.tracing import Tracing
from shared.testing.helpers import wait_until
from shared.testing.messaging import BrokerPeer
from shared.testing.probe import kit
from shared.testing.probe.kit import beneficiary_added, consumers, produce

pytestmark = pytest.mark.integration


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def failing() -> Any:
    yield kit.failing_sirens
    kit.failing_sirens.clear()


async def test_x2_the_kit_counts_outcomes_failures_publications_backlog_and_dlq_depth(
    probe_world: Any, failing: Any
) -> None:
    world = await probe_world("metrics", consumer_max_attempts=2)
    await world.declare(tap=False)
    queue = world.queue.name
    good, poison = ["910000001", "910000002"], "910000009"
    failing.add(poison)
    envelopes = [await produce(world.uow(), siren) for siren in good]
    await produce(world.uow(), poison)
    published_before = _value("messaging_outbox_published_total", producer="probe")

    relay = world.relay()
    pending, oldest_age = await relay.observe_backlog()
    assert pending == 3
    assert oldest_age >= 0
    assert _value("messaging_outbox_pending_messages", producer="probe") == 3
    assert _value("messaging_outbox_oldest_pending_age_seconds", producer="probe") == oldest_age

    task = asyncio.create_task(relay.run())
    try:
        async with world.consumer() as broker, BrokerPeer.connect(world.settings) as peer:
            await wait_until(lambda: _settled(world, queue, good))
            assert _value("messaging_messages_consumed_total", queue=queue, outcome="applied") == 2
            assert _value("messaging_messages_failed_total", queue=queue) == 2
            assert _value("messaging_messages_retried_total", queue=queue) == 1
            assert _value("messaging_messages_dead_lettered_total", queue=queue) == 1
            assert _value("messaging_message_handling_seconds_count", queue=queue) == 4

            # the same message again: the inbox takes it for a duplicate
            await peer.publish(beneficiary_added(good[0]), envelopes[0])
            await wait_until(lambda: _counted(queue, "duplicate"))

            connection = await aio_pika.connect(world.settings.rabbitmq_url)
            async with connection:
                channel = await connection.channel()
                await wait_until(lambda: _parked(channel, world))
            await consumers.observe_dead_letters(broker)
            assert _value("messaging_dlq_messages", queue=queue) == 1
    finally:
        relay.stop()
        await task
    assert _value("messaging_outbox_published_total", producer="probe") == published_before + 3
    assert await relay.observe_backlog() == (0, 0.0)
    assert _value("messaging_outbox_pending_messages", producer="probe") == 0


async def _settled(world: Any, queue: str, good: list[str]) -> bool:
    """Both good messages applied, the poison parked, every delivery timed."""
    applied = all([await world.applied(siren) == 1 for siren in good])
    parked = _value("messaging_messages_dead_lettered_total", queue=queue) == 1
    return (
        applied and parked and _value("messaging_message_handling_seconds_count", queue=queue) == 4
    )


async def _parked(channel: Any, world: Any) -> bool:
    return bool(await dlq.count(channel, world.queue) == 1)


async def _counted(queue: str, outcome: str) -> bool:
    return _value("messaging_messages_consumed_total", queue=queue, outcome=outcome) == 1


async def test_x2_an_outbox_row_keeps_its_trace_context_and_a_relay_with_no_tracer_sends_it_on(
    probe_world: Any,
) -> None:
    world = await probe_world("traced")
    await world.declare(tap=True)
    tracer = Tracing.exporting("probe", "1", InMemorySpanExporter(), batch=False).tracer("t")
    assert tracer is not None
    untraced = await produce(world.uow(), "920000001")
    with tracer.start_as_current_span("a request") as span:
        traced = await produce(world.uow(), "920000002")
    context = span.get_span_context()
    traceparent = f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"

    async with world.engine.connect() as connection:
        rows = await connection.exec_driver_sql("SELECT id, headers::text FROM outbox")
        stored = {str(row[0]): json.loads(row[1]) for row in rows}
    assert stored[str(untraced.message_id)] == {}
    assert stored[str(traced.message_id)] == {"traceparent": traceparent}

    relay = world.relay()
    task = asyncio.create_task(relay.run())
    try:
        await wait_until(world.none_pending)
    finally:
        relay.stop()
        await task
    connection = await aio_pika.connect(world.settings.rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        tap = await channel.declare_queue(world.tap_name, passive=True)
        sent: dict[str, Any] = {}
        while (message := await tap.get(no_ack=True, fail=False)) is not None:
            sent[str(message.message_id)] = message.headers
    assert sent[str(traced.message_id)] == {"traceparent": traceparent}
    assert not sent[str(untraced.message_id)]
