"""``python -m membership {api,worker,relay,migrate,dlq,lapse}``.

``lapse [--date YYYY-MM-DD]`` runs the lapse scheduler (M4) once for a day, today by default:
how an operator catches up a missed day.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date

from membership.domain.errors import DomainError
from membership.domain.validity import check_lapse_day
from membership.handlers import run_lapses
from membership.service import MembershipRuntime, runtime


def lapse_command(service: MembershipRuntime, argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m membership lapse")
    parser.add_argument(
        "--date", type=date.fromisoformat, default=None, help="the day to lapse for (YYYY-MM-DD)"
    )
    args = parser.parse_args(argv)
    today = service.clock.today()
    on: date = args.date or today
    try:
        check_lapse_day(on, today)
    except DomainError as exc:
        parser.error(exc.detail)

    async def run() -> int:
        try:
            lapsed = await run_lapses(service.uow, on, service.clock.now())
        finally:
            await service.dispose()
        for item in lapsed:
            print(f"{item.siren} {item.year} lapsed on {item.lapsed_on} ({item.reason})")
        print(f"{len(lapsed)} membership(s) lapsed for {on}")
        return 0

    return asyncio.run(run())


def main(argv: list[str]) -> None:
    if argv[:1] == ["lapse"]:
        raise SystemExit(lapse_command(runtime, argv[1:]))
    runtime.cli(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
