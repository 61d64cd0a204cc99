"""Version guards: a consumer ignores an event older than one it applied for that aggregate.

A queue keeps no order across processes, retries or queues: two workers, a message retried
after a later one, or ``MembershipActivated`` and ``MembershipLapsed`` on two queues can reach
a handler in any order. A handler registered with a ``projection`` name is therefore
order-independent: in its transaction, the kit advances the aggregate's version for that
projection (``aggregate_versions``), and an event whose ``aggregate_version`` is older than the
one recorded is acknowledged and dropped as stale. Events of one version (several events of one
change) all apply; a redelivery of one event is the inbox's to drop. Handlers that feed one
projection share its name, so that the newest fact about an aggregate wins whichever arrives
last. Events without a version always apply.
"""

from __future__ import annotations

import asyncpg

_ADVANCE = (
    "INSERT INTO aggregate_versions (projection, aggregate_id, version) VALUES ($1, $2, $3)"
    " ON CONFLICT (projection, aggregate_id) DO UPDATE SET version = EXCLUDED.version"
    " WHERE aggregate_versions.version <= EXCLUDED.version RETURNING 1"
)


async def advance(
    driver: asyncpg.Connection, projection: str, aggregate_id: str, version: int
) -> bool:
    """Record ``version`` as the newest applied; False if a newer one was applied (stale).

    The row lock of the upsert (taken even when its condition fails) serialises two
    transactions on one aggregate: the second waits for the first to commit, then compares
    against its version.
    """
    return await driver.fetchval(_ADVANCE, projection, aggregate_id, version) is not None
