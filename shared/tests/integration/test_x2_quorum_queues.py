"""Every queue of the topology is a quorum queue, by its own arguments: the consumers' queues,
their retry queues and DLQs, and the journal (replicated, whatever the vhost's default)."""

from __future__ import annotations

from typing import Any

import pytest

from shared.messaging.topology import QUORUM

pytestmark = pytest.mark.integration


async def test_x2_every_queue_declared_is_a_quorum_queue(
    probe_world: Any, broker_control: Any
) -> None:
    world = await probe_world("quorum")
    await world.declare(tap=False)
    types = broker_control.queue_types(f"{world.settings.rabbitmq_namespace}.")
    expected = {world.topology.journal}
    for queue in world.topology.queues:
        expected |= {queue.name, queue.dlq, *map(queue.retry_queue, queue.retry_delays_ms)}
    assert set(types) == expected
    assert set(types.values()) == {QUORUM["x-queue-type"]}
