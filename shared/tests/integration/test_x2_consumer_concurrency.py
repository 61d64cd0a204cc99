"""X2: a consumer applies several messages at once, but one aggregate's events in their order."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from shared.messaging.outbox import AggregateRef
from shared.testing.helpers import wait_until
from shared.testing.probe.kit import beneficiary_added

pytestmark = pytest.mark.integration

AGGREGATES = 3
PER_AGGREGATE = 25


async def test_x2_concurrent_consumer_keeps_each_aggregates_order(probe_world: Any) -> None:
    world = await probe_world("ordering", consumer_concurrency=8, consumer_prefetch=64)
    await world.declare(tap=False)
    expected: dict[str, list[str]] = {f"agg-{k}": [] for k in range(AGGREGATES)}
    # Interleaved, one event per transaction, as a busy producer would commit them.
    for i in range(PER_AGGREGATE):
        for k in range(AGGREGATES):
            siren = f"{k}{i:08d}"
            async with world.uow() as uow:
                uow.outbox.add(beneficiary_added(siren), AggregateRef(f"agg-{k}", None))
                await uow.commit()
            expected[f"agg-{k}"].append(siren)

    async with world.consumer():
        relay = world.relay(batch_size=200)
        await relay.relay_once()

        async def all_applied() -> bool:
            return bool(await world.applied_total() == AGGREGATES * PER_AGGREGATE)

        await wait_until(all_applied, within=30)
        await relay.close()

    async with world.engine.connect() as connection:
        rows = (await connection.execute(text("SELECT siren FROM applied ORDER BY id"))).all()
    applied_order = [r.siren for r in rows]
    for k in range(AGGREGATES):
        ours = [s for s in applied_order if s.startswith(str(k))]
        assert ours == expected[f"agg-{k}"], f"agg-{k} applied out of order"
