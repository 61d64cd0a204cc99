"""The renewal campaign of the billing benchmarks (:mod:`billing_bench`): its events, and how both
pipelines apply them (by batches, ``AT_ONCE`` at a time, as one consumer process does), timed
in wall clock and in CPU seconds of this process and of the database's backends."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import cast

import asyncpg
from databases import ADMIN_DATABASE_URL
from server_cpu import process_cpu_seconds

from billing.consumers import DUES_BATCH
from shared.contracts import CustomerDetails, MembershipRenewalRequested
from shared.db import to_sync_url
from shared.messaging.batches import AT_ONCE

WARMUP = 100
CAMPAIGN_YEAR = 2030
FEC_YEAR = 2031
TARGET_S = 10.0
QUEUE = "bench.billing.on_membership_renewal_requested"


def campaign(count: int, offset: int = 0) -> list[MembershipRenewalRequested]:
    """The renewal campaign's events: one per member, each its own structure."""
    events = []
    for i in range(offset, offset + count):
        siren = f"{i:09d}"
        events.append(
            MembershipRenewalRequested(
                membership_id=uuid.uuid4(),
                application_id=uuid.uuid4(),
                siren=siren,
                year=CAMPAIGN_YEAR,
                plan="premium" if i % 3 else "simple",
                amount=Decimal("150.00") if i % 3 else Decimal("100.00"),
                customer=CustomerDetails(
                    siren=siren,
                    siret=siren + "00017",
                    legal_name=f"Structure adhérente {i}",
                    address_line="12 rue Sainte-Catherine",
                    postal_code="33000",
                    city="Bordeaux",
                    insee_code="33063",
                    email="compta@example.org",
                ),
                requested_at=datetime(CAMPAIGN_YEAR - 1, 12, 1, tzinfo=UTC),
            )
        )
    return events


def batches(events: list[MembershipRenewalRequested]) -> list[list[MembershipRenewalRequested]]:
    return [events[i : i + DUES_BATCH] for i in range(0, len(events), DUES_BATCH)]


@dataclass
class Timing:
    """Wall-clock seconds, and the CPU seconds this process and the database's backends for
    the run's database spent: on a machine shared with other work the wall clock measures the
    load as much as the code, the CPU much less."""

    wall: float = 0.0
    client_cpu: float = 0.0
    database_cpu: float | None = None

    @property
    def cpu(self) -> float:
        return self.client_cpu + (self.database_cpu or 0.0)

    def __str__(self) -> str:
        database = "" if self.database_cpu is None else f" + database {self.database_cpu:.2f}"
        return f"{self.wall:6.2f} s (CPU: client {self.client_cpu:.2f}{database} s)"


async def backends_cpu(url: str) -> dict[int, float] | None:
    """CPU seconds of each backend of ``url``'s database (the server on this machine), or
    None when /proc does not tell."""
    database = url.rpartition("/")[2]
    admin = await asyncpg.connect(to_sync_url(ADMIN_DATABASE_URL))
    try:
        pids = [
            r[0]
            for r in await admin.fetch(
                "SELECT pid FROM pg_stat_activity WHERE datname = $1", database
            )
        ]
    finally:
        await admin.close()
    found = {pid: _cpu_seconds(pid) for pid in pids}
    return None if None in found.values() else cast(dict[int, float], found)


def _cpu_seconds(pid: int) -> float | None:
    """User and system CPU seconds of process ``pid``; None where /proc does not tell."""
    try:
        return process_cpu_seconds(pid)
    except OSError:
        return None


async def as_the_kit(
    url: str,
    events: list[MembershipRenewalRequested],
    apply: Callable[[list[MembershipRenewalRequested]], Awaitable[None]],
) -> Timing:
    """Apply the events by batches, ``AT_ONCE`` at a time as one consumer process applies
    them, after a warm-up batch."""
    await apply(events[:WARMUP])
    before = await backends_cpu(url)
    queue = iter(batches(events[WARMUP:]))

    async def worker() -> None:
        for batch in queue:
            await apply(batch)

    cpu, start = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(AT_ONCE)))
    timing = Timing(time.perf_counter() - start, time.process_time() - cpu)
    after = await backends_cpu(url)
    if before is not None and after is not None:
        timing.database_cpu = sum(v - before.get(pid, 0.0) for pid, v in after.items())
    return timing
