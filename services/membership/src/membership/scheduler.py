"""The worker's scheduled job: the lapse run of M4, for today by the runtime's clock."""

from __future__ import annotations

from typing import Any

from membership.handlers import LapsedMembership, run_lapses
from shared.runtime import ServiceRuntime


async def lapse_memberships(runtime: ServiceRuntime[Any, Any]) -> list[LapsedMembership]:
    """Idempotent: run hourly, it lapses on 1 January and 16 February (and catches up after)."""
    return await run_lapses(runtime.uow, runtime.clock.today(), runtime.clock.now())
