"""T9 on the real broker: membership's lapse cancels the structure's future places uncounted
and promotes the waiting lists; each event is applied once however often it arrives."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest

from shared.contracts import EnrollmentCancelled, EnrollmentPromoted, Envelope
from shared.messaging.outbox import AggregateRef, build_envelope
from shared.testing.helpers import wait_until
from shared.testing.messaging import BrokerPeer, running_consumers, running_relay
from training.consumers import consumers
from training.service import TrainingRuntime
from training.settings import TrainingSettings

from ..conftest import START, Scenario

pytestmark = pytest.mark.integration
LAPSED_ON = date(2026, 2, 16)


@pytest.fixture(scope="module")
async def broker(runtime: TrainingRuntime) -> AsyncIterator[None]:
    async with running_relay(runtime), running_consumers(runtime):
        yield


@pytest.fixture
async def peer(training_settings: TrainingSettings) -> AsyncIterator[BrokerPeer]:
    async with BrokerPeer.connect(training_settings) as connected:
        yield connected


async def about(queue: Any, field: str, value: str, count: int) -> list[Envelope]:
    """The next ``count`` envelopes on ``queue`` whose payload has ``field`` = ``value`` (the
    relay also publishes what earlier tests of the session left in the outbox)."""
    found: list[Envelope] = []
    async with asyncio.timeout(15), queue.iterator() as messages:
        async for message in messages:
            async with message.process():
                envelope = Envelope.model_validate_json(message.body)
            if envelope.payload[field] == value:
                found.append(envelope)
            if len(found) >= count:
                break
    return found


async def test_t9_a_lapse_cancels_future_places_uncounted_and_promotes_once(
    scenario: Scenario, broker: None, peer: BrokerPeer
) -> None:
    lapsing, other = await scenario.member_of(), await scenario.member_of()
    future = await scenario.session(capacity=2)
    before = await scenario.session(starts_on=date(2026, 2, 10))
    kept = (await scenario.register(before["id"], lapsing, as_staff=True)).json()["enrollment"]
    places = [await scenario.placed(future["id"], lapsing) for _ in range(2)]
    third = (await scenario.register(future["id"], lapsing)).json()["enrollment"]
    waiting = (await scenario.register(future["id"], other)).json()["enrollment"]
    cancelled_queue = await peer.listen(EnrollmentCancelled.routing_key())
    promoted_queue = await peer.listen(EnrollmentPromoted.routing_key())

    event = scenario.lapsed(lapsing, LAPSED_ON)
    envelope = build_envelope(event, aggregate=AggregateRef.of(event.membership_id, 2))
    applied, duplicates = consumers.stats.applied, consumers.stats.duplicates
    await peer.publish(event, envelope)
    await peer.publish(event, envelope)  # delivered twice
    # and published again under a new message id: the business key holds
    await peer.publish(event, aggregate=AggregateRef.of(event.membership_id, 2))

    cancelled = await about(cancelled_queue, "siren", lapsing, 3)
    assert {e.payload["enrollment_id"] for e in cancelled} == {
        places[0]["id"],
        places[1]["id"],
        third["id"],
    }
    assert {(e.payload["reason"], e.payload["counted"]) for e in cancelled} == {
        ("membership_lapsed", False)
    }
    promoted = await about(promoted_queue, "session_id", future["id"], 1)
    assert promoted[0].payload["enrollment_id"] == waiting["id"]
    assert promoted[0].aggregate_version == 2

    async def all_three_seen() -> bool:
        return (
            consumers.stats.applied >= applied + 2 and consumers.stats.duplicates >= duplicates + 1
        )

    await wait_until(all_three_seen)
    outbox = await scenario.outbox("EnrollmentCancelled", siren=lapsing)
    assert len(outbox) == 3
    assert len(await scenario.outbox("EnrollmentPromoted", session_id=future["id"])) == 1
    rows = await scenario.sql(
        "SELECT id::text, status, counted FROM enrollments WHERE siren = :s ORDER BY id",
        s=lapsing,
    )
    statuses = {r[0]: (r[1], r[2]) for r in rows}
    assert statuses[kept["id"]] == ("confirmed", True)  # its session starts before the lapse
    assert all(statuses[p["id"]] == ("cancelled", False) for p in places)
    view = await scenario.client.get(
        f"/employees/{places[0]['email']}/years/{START.year}", headers=scenario.staff
    )
    assert view.json()["counted_actions"] == 0
