"""The worker's scheduled job: the lapse run of M4, for today by the runtime's clock."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from membership.domain.errors import DomainError
from membership.domain.validity import check_lapse_day
from membership.handlers import LapsedMembership, run_lapses
from shared.runtime import Command, ServiceRuntime, UsageError


async def lapse_memberships(runtime: ServiceRuntime[Any, Any]) -> list[LapsedMembership]:
    """Idempotent: run hourly, it lapses on 1 January and 16 February (and catches up after)."""
    return await run_lapses(runtime.uow, runtime.clock.today(), runtime.clock.now())


def _lapse_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--date", type=date.fromisoformat, default=None, help="the day to lapse for (YYYY-MM-DD)"
    )


async def _lapse_command(runtime: ServiceRuntime[Any, Any], args: argparse.Namespace) -> int:
    today = runtime.clock.today()
    on: date = args.date or today
    try:
        check_lapse_day(on, today)
    except DomainError as exc:
        raise UsageError(exc.detail) from None
    lapsed = await run_lapses(runtime.uow, on, runtime.clock.now())
    for item in lapsed:
        print(f"{item.siren} {item.year} lapsed on {item.lapsed_on} ({item.reason})")
    print(f"{len(lapsed)} membership(s) lapsed for {on}")
    return 0


#: ``python -m membership lapse [--date YYYY-MM-DD]``: the lapse run (M4) for one day, by hand,
#: as an operator catches up a missed day.
LAPSE_COMMAND = Command(
    "lapse", "run the lapse scheduler (M4) once for a day", _lapse_arguments, _lapse_command
)
