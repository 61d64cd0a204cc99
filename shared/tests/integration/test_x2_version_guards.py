"""X2: a handler registered with ``projection=`` applies the newest fact about an aggregate.

On the probe's ``on_qualiopi_certification_changed`` (projection ``certifications``): an event
older than one applied for the same aggregate is acknowledged and dropped as stale, a newer one
applies, a stale one delivered again is a plain duplicate, and events without a version (or of
the version already applied) always apply.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aio_pika
import pytest

from shared.contracts import Envelope
from shared.messaging import dlq
from shared.messaging.consumers import ConsumerStats
from shared.messaging.outbox import AggregateRef
from shared.messaging.topology import ConsumerQueue
from shared.testing.helpers import wait_until
from shared.testing.messaging import BrokerPeer
from shared.testing.probe import kit
from shared.testing.probe.kit import CERTIFICATIONS, certification_changed, consumers

pytestmark = pytest.mark.integration


@dataclass
class Guarded:
    """The probe consuming, a peer publishing certificate changes, and the stats before."""

    world: Any
    peer: BrokerPeer
    before: ConsumerStats

    async def publish(
        self, siren: str, version: int | None, certificate: str | None = None
    ) -> Envelope:
        event = certification_changed(siren, certificate or f"Q-{siren}-v{version}")
        return await self.peer.publish(event, aggregate=AggregateRef(siren, version))

    async def again(self, envelope: Envelope) -> None:
        """The same message delivered once more."""
        await self.peer.publish(certification_changed(envelope.aggregate_id, None), envelope)

    def delta(self, name: str) -> int:
        return int(getattr(consumers.stats, name) - getattr(self.before, name))

    async def settled(self, **counts: int) -> None:
        """Wait until the consumers counted ``counts`` more outcomes than at the start."""

        async def reached() -> bool:
            return all(self.delta(name) >= n for name, n in counts.items())

        await wait_until(reached)

    async def certificate(self, siren: str) -> str | None:
        value = await self.world.scalar(
            "SELECT coalesce(max(certificate_number), '') FROM certifications WHERE siren = :s",
            s=siren,
        )
        return str(value) or None

    async def applications(self, siren: str) -> int:
        return int(await self.world.applied(siren))

    async def recorded_version(self, siren: str) -> int | None:
        value = await self.world.scalar(
            "SELECT max(version) FROM aggregate_versions"
            " WHERE projection = :p AND aggregate_id = :s",
            p=CERTIFICATIONS,
            s=siren,
        )
        return None if value is None else int(value)


def guarded_queue(world: Any) -> ConsumerQueue:
    [queue] = [
        q for q in world.topology.queues if q.name.endswith(".on_qualiopi_certification_changed")
    ]
    return queue


@pytest.fixture
async def guarded(probe_world: Any) -> AsyncIterator[Guarded]:
    world = await probe_world("versions")
    await world.declare(tap=False)
    async with world.consumer(), BrokerPeer.connect(world.settings) as peer:
        yield Guarded(world, peer, ConsumerStats(**vars(consumers.stats)))
    # Every delivery was settled: nothing waits in the queue, nothing went to the DLQ.
    connection = await aio_pika.connect(world.settings.rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        queue = guarded_queue(world)
        declared = await channel.declare_queue(queue.name, passive=True)
        assert declared.declaration_result.message_count == 0
        assert await dlq.count(channel, queue) == 0


@pytest.fixture
def failing() -> Any:
    yield kit.failing_sirens
    kit.failing_sirens.clear()


async def test_x2_an_event_older_than_one_applied_is_acked_and_not_applied(
    guarded: Guarded,
) -> None:
    siren = "310000001"
    await guarded.publish(siren, 2)
    await guarded.settled(applied=1)
    stale = await guarded.publish(siren, 1)
    await guarded.settled(stale=1)

    assert await guarded.certificate(siren) == f"Q-{siren}-v2"
    assert await guarded.applications(siren) == 1, "the handler never saw version 1"
    assert await guarded.recorded_version(siren) == 2
    assert guarded.delta("applied") == 1
    assert guarded.delta("retried") == 0
    inbox = await guarded.world.scalar(
        "SELECT count(*) FROM inbox WHERE message_id = :m", m=stale.message_id
    )
    assert inbox == 1, "the stale event is consumed for good"


async def test_x2_a_newer_event_applies_and_advances_the_version(guarded: Guarded) -> None:
    siren = "310000002"
    for version in (1, 3, 7):
        await guarded.publish(siren, version)
        await guarded.settled(applied=1 + (version > 1) + (version > 3))
        assert await guarded.certificate(siren) == f"Q-{siren}-v{version}"
        assert await guarded.recorded_version(siren) == version
    assert guarded.delta("stale") == 0
    assert await guarded.applications(siren) == 3


async def test_x2_a_stale_event_delivered_again_is_a_duplicate(guarded: Guarded) -> None:
    siren = "310000003"
    await guarded.publish(siren, 5)
    await guarded.settled(applied=1)
    stale = await guarded.publish(siren, 4)
    await guarded.settled(stale=1)
    await guarded.again(stale)
    await guarded.settled(duplicates=1)

    assert guarded.delta("stale") == 1, "counted stale once, then a duplicate"
    assert await guarded.certificate(siren) == f"Q-{siren}-v5"
    assert await guarded.applications(siren) == 1


async def test_x2_events_without_a_version_always_apply(guarded: Guarded) -> None:
    siren = "310000004"
    await guarded.publish(siren, 6)
    await guarded.settled(applied=1)
    await guarded.publish(siren, None, certificate="Q-unversioned-1")
    await guarded.settled(applied=2)
    assert await guarded.certificate(siren) == "Q-unversioned-1"
    await guarded.publish(siren, None, certificate="Q-unversioned-2")
    await guarded.settled(applied=3)
    assert await guarded.certificate(siren) == "Q-unversioned-2"

    assert guarded.delta("stale") == 0
    assert await guarded.recorded_version(siren) == 6, "an unversioned event records nothing"


async def test_x2_events_of_the_version_already_applied_apply_too(guarded: Guarded) -> None:
    """Two events of one change carry one version: neither is older than the other."""
    siren = "310000005"
    await guarded.publish(siren, 3, certificate="Q-first-of-v3")
    await guarded.settled(applied=1)
    await guarded.publish(siren, 3, certificate="Q-second-of-v3")
    await guarded.settled(applied=2)
    assert await guarded.certificate(siren) == "Q-second-of-v3"
    assert guarded.delta("stale") == 0


async def test_x2_versions_are_compared_per_aggregate(guarded: Guarded) -> None:
    ahead, behind = "310000006", "310000007"
    await guarded.publish(ahead, 9)
    await guarded.settled(applied=1)
    await guarded.publish(behind, 1)
    await guarded.settled(applied=2)
    assert await guarded.certificate(behind) == f"Q-{behind}-v1"
    assert guarded.delta("stale") == 0


async def test_x2_a_failed_application_records_no_version(
    guarded: Guarded, failing: set[str]
) -> None:
    """Version 4 fails on every attempt and is parked: version 3 arriving after it still
    applies, since the failure rolled back the version it would have recorded."""
    siren = "310000008"
    failing.add(siren)
    kit.failures.pop(siren, None)
    await guarded.publish(siren, 4)
    await guarded.settled(dead_lettered=1)
    failing.discard(siren)
    await guarded.publish(siren, 3)
    await guarded.settled(applied=1)

    assert kit.failures[siren] == guarded.world.settings.consumer_max_attempts
    assert await guarded.certificate(siren) == f"Q-{siren}-v3"
    assert await guarded.recorded_version(siren) == 3
    # the parked one is taken out of the DLQ: the fixture checks that nothing else is there
    connection = await aio_pika.connect(guarded.world.settings.rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        queue = guarded_queue(guarded.world)
        parked = await channel.declare_queue(queue.dlq, passive=True)
        message = await parked.get(no_ack=True, fail=False)
        assert message is not None
        assert message.headers.get("x-attempt") == guarded.world.settings.consumer_max_attempts
