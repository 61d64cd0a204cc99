"""The worker's scheduled job: the lapse run of M4, for today by the runtime's clock; and the
operator's command running it for a given day."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from membership.domain.validity import check_lapse_day
from membership.use_cases.lapses import LapsedMembership, run_lapses
from shared.errors import RuleViolated
from shared.runtime import Command, ServiceRuntime, UsageError


async def lapse_for(runtime: ServiceRuntime[Any, Any], on: date) -> list[LapsedMembership]:
    """The lapse run for ``on``, in one transaction committed when it is done."""
    async with runtime.transaction() as uow:
        return await run_lapses(uow, on)


async def lapse_memberships(runtime: ServiceRuntime[Any, Any]) -> list[LapsedMembership]:
    """Idempotent: run hourly, it lapses on 1 January and 16 February (and catches up after)."""
    return await lapse_for(runtime, runtime.clock.today())


def _lapse_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--date", type=date.fromisoformat, default=None, help="the day to lapse for (YYYY-MM-DD)"
    )


async def _lapse_command(runtime: ServiceRuntime[Any, Any], args: argparse.Namespace) -> int:
    today = runtime.clock.today()
    on: date = args.date or today
    try:
        check_lapse_day(on, today)
    except RuleViolated as exc:
        raise UsageError(exc.detail) from None
    lapsed = await lapse_for(runtime, on)
    for item in lapsed:
        print(f"{item.siren} {item.year} lapsed on {item.lapsed_on} ({item.reason})")
    print(f"{len(lapsed)} membership(s) lapsed for {on}")
    return 0


#: ``python -m membership lapse [--date YYYY-MM-DD]``: the lapse run (M4) for one day, by hand,
#: as an operator catches up a missed day.
LAPSE_COMMAND = Command(
    "lapse", "run the lapse scheduler (M4) once for a day", _lapse_arguments, _lapse_command
)
