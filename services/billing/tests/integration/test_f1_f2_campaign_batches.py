"""F1/F2 for a renewal campaign's batches: many dues deliveries issued in one transaction,
numbered without gap against concurrent issues, each once, each with its event, source and
entry; a failing delivery of a batch does not hold back the others (X2)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from billing_factories import (
    a_siren,
    approved,
    deliver,
    deliver_together,
    envelope_of,
    invoices_of,
    outbox_envelopes,
    renewal,
)

from billing import consumers as billing_consumers
from billing.service import BillingRuntime
from shared.clock import FixedClock
from shared.testing.helpers import wait_until
from shared.testing.messaging import BrokerPeer, running_consumers

pytestmark = pytest.mark.integration


async def _rows(billing: BillingRuntime, sql: str, **params: Any) -> list[Any]:
    async with billing.uow() as uow:
        return list((await uow.connection.execute(sa.text(sql), params)).all())


async def test_f1_f2_a_batch_issues_each_key_once_numbered_in_order_with_its_event_and_entry(
    billing: BillingRuntime, clock: FixedClock
) -> None:
    clock.set(datetime(2046, 12, 1, 9, tzinfo=UTC))
    first, second, third = (renewal(a_siren(), 2047) for _ in range(3))
    # the same event twice, and another membership of the first structure for the same year
    twin = renewal(first.siren, 2047)
    events = [first, second, first, twin, third]
    await deliver_together(billing, events)

    rows = await _rows(
        billing,
        "SELECT i.id, i.number, i.siren, e.number AS entry, s.number AS source"
        " FROM invoices i"
        " JOIN ledger_entries e ON e.source_kind = 'invoice' AND e.source_id = i.id::text"
        " JOIN document_sources s ON s.document_id = i.id"
        " WHERE i.series_year = 2046 ORDER BY i.sequence",
    )
    assert [r.number for r in rows] == [f"FA-2046-{n:05d}" for n in (1, 2, 3)]
    assert [r.siren for r in rows] == [first.siren, second.siren, third.siren]
    assert [r.source for r in rows] == [r.number for r in rows], "each frozen with its number"
    assert [r.entry for r in rows] == sorted(r.entry for r in rows), "entries in number order"
    for event, row in zip((first, second, third), rows, strict=True):
        [issued] = await outbox_envelopes(billing, "InvoiceIssued", "invoice_id", str(row.id))
        assert issued.aggregate_version == 1
        assert issued.payload["subject_id"] == str(event.membership_id)
    assert len(await invoices_of(billing, first.siren)) == 1

    await deliver_together(billing, [second, third])  # redelivered: nothing more
    assert len(await _rows(billing, "SELECT 1 FROM invoices WHERE series_year = 2046")) == 3


async def test_f2_batches_and_single_issues_at_once_get_numbers_without_gap_or_duplicate(
    billing: BillingRuntime, clock: FixedClock
) -> None:
    clock.set(datetime(2048, 1, 5, 9, tzinfo=UTC))
    batches = [[renewal(a_siren(), 2048) for _ in range(30)] for _ in range(4)]
    singles = [approved(year=2048) for _ in range(20)]
    # a batch overlapping another one: its events are issued once, by whichever comes first
    batches.append(batches[0][:10] + [renewal(a_siren(), 2048) for _ in range(5)])
    await asyncio.gather(
        *(deliver_together(billing, b) for b in batches), *(deliver(billing, e) for e in singles)
    )
    rows = await _rows(billing, "SELECT sequence FROM invoices WHERE series_year = 2048")
    assert sorted(r.sequence for r in rows) == list(range(1, 4 * 30 + 5 + 20 + 1))


async def test_x2_f1_a_failing_delivery_of_a_batch_is_retried_alone_and_the_others_issued(
    billing: BillingRuntime, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.set(datetime(2049, 11, 20, 9, tzinfo=UTC))
    poison = renewal(a_siren(), 2050)
    others = [renewal(a_siren(), 2050) for _ in range(12)]
    real = billing_consumers.issue_with_waiting_dates
    attempts: list[int] = []

    async def failing(uow: Any, requests: Any) -> Any:
        if any(r.customer.siren == poison.siren for r in requests):
            attempts.append(len(requests))
            raise RuntimeError("this structure cannot be invoiced")
        return await real(uow, requests)

    monkeypatch.setattr(billing_consumers, "issue_with_waiting_dates", failing)
    stats = billing.consumers.stats
    parked = stats.dead_lettered
    async with running_consumers(billing), BrokerPeer.connect(billing.settings) as peer:
        for event in [poison, *others]:
            await peer.publish(event, envelope_of(event))

        async def issued() -> bool:
            found = await _rows(
                billing,
                "SELECT count(*) AS n FROM invoices WHERE siren = ANY(:s)",
                s=[e.siren for e in others],
            )
            # the others issued; the failing one retried, then parked in the DLQ
            return found[0].n == len(others) and stats.dead_lettered > parked

        await wait_until(issued, within=30)
    assert await invoices_of(billing, poison.siren) == []
    assert 1 in attempts, "the failing delivery was applied alone"


async def test_f1_f2_a_campaign_through_the_broker_is_issued_once_each_without_gap(
    billing: BillingRuntime, clock: FixedClock
) -> None:
    clock.set(datetime(2051, 12, 1, 9, tzinfo=UTC))
    events = [renewal(a_siren(), 2052) for _ in range(150)]
    stats = billing.consumers.stats
    before = stats.applied + stats.duplicates
    async with running_consumers(billing), BrokerPeer.connect(billing.settings) as peer:
        for event in events:
            await peer.publish(event, envelope_of(event))
        for event in events[:10]:  # the same events again, under new message ids
            await peer.publish(event, envelope_of(event))

        async def handled() -> bool:
            return stats.applied + stats.duplicates - before >= len(events) + 10

        await wait_until(handled, within=60)
    mine = await _rows(
        billing,
        "SELECT siren FROM invoices WHERE series_year = 2051 AND siren = ANY(:s)",
        s=[e.siren for e in events],
    )
    assert sorted(r.siren for r in mine) == sorted(e.siren for e in events), "each once"
    rows = await _rows(billing, "SELECT sequence FROM invoices WHERE series_year = 2051")
    assert sorted(r.sequence for r in rows) == list(range(1, len(rows) + 1))
