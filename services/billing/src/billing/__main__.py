"""``python -m billing {api,worker,relay,migrate,dlq,overdue}``.

``python -m billing overdue --date 2026-03-01`` marks the invoices past due on that date as
overdue (F4), exactly as the worker's hourly job does for today; re-running it changes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date

from billing.service import runtime


def overdue_command(argv: list[str]) -> int:
    from billing.scheduler import run_overdue
    from shared.logging import configure_logging

    parser = argparse.ArgumentParser(prog="python -m billing overdue")
    parser.add_argument(
        "--date",
        type=date.fromisoformat,
        default=None,
        help="the day to run for, AAAA-MM-JJ (default: today)",
    )
    args = parser.parse_args(argv)
    configure_logging(runtime.name, runtime.settings.log_level, json_logs=runtime.settings.log_json)
    day: date = args.date or runtime.clock.today()

    async def run() -> int:
        try:
            return await run_overdue(runtime.uow, day)
        finally:
            await runtime.dispose()

    marked = asyncio.run(run())
    print(f"{marked} invoice(s) marked overdue as of {day.isoformat()}")
    return 0


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "overdue":
        raise SystemExit(overdue_command(args[1:]))
    if args and args[0] in ("-h", "--help"):
        print("python -m billing overdue [--date AAAA-MM-JJ]: mark invoices past due as overdue\n")
    runtime.cli(args)


if __name__ == "__main__":
    main()
