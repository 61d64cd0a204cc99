"""Fill a running platform with a realistic year: ``make demo`` (``make run`` in another shell).

A few hundred structures of Nouvelle-Aquitaine apply, the board decides, dues are paid (by
hand, from a bank statement, in part, or never), thirty sessions fill up with waiting lists,
premium members book rooms and the auditorium, attendance is recorded, upgrades and a renewal
campaign follow. Everything goes through the services' HTTP APIs, the platform clock
(``DEV_CLOCK_FILE``) moved from January to December and put back at the end. Run again, it
keeps what it finds and adds new structures. See the README's "Demo" section.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from shared.testing.agency import ServiceUrls
from shared.testing.demo import platform_year, ready, run_demo


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--structures", type=int, default=300, help="new structures (300)")
    parser.add_argument("--seed", type=int, default=2025, help="draws the structures and acts")
    parser.add_argument("--year", type=int, default=None, help="the year lived (the platform's)")
    parser.add_argument(
        "--base-url",
        action="append",
        default=[],
        metavar="SERVICE=URL",
        help="where a service answers (default: make run's ports), e.g. billing=http://h:8004",
    )
    parser.add_argument(
        "--clock-file",
        type=Path,
        default=Path(os.environ.get("DEV_CLOCK_FILE", ".platform-clock")),
        help="the platform's DEV_CLOCK_FILE (default: make run's .platform-clock)",
    )
    args = parser.parse_args(argv)
    if args.structures < 1:
        parser.error("--structures is at least 1")
    return args


async def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    urls = dict(ServiceUrls().urls)
    for item in args.base_url:
        name, _, url = item.partition("=")
        if name not in urls or not url:
            print(f"--base-url {item}: give SERVICE=URL, SERVICE one of {', '.join(urls)}")
            return 2
        urls[name] = url.rstrip("/")
    platform = ServiceUrls(urls)
    answers = await ready(platform)
    down = [n for n, up in answers.items() if not up and n != "exchange"]
    if down:
        print(f"not answering: {', '.join(f'{n} ({urls[n]})' for n in down)}; start `make run`")
        return 1
    year = args.year or platform_year(args.clock_file)
    print(f"the year {year} for {args.structures} new structures (seed {args.seed}) ...")
    result = await run_demo(
        platform, args.clock_file, count=args.structures, seed=args.seed, year=year
    )
    print(f"the platform clock is back as it was ({args.clock_file})")
    print("\nwhat the year did:")
    for what, count in result.report.items():
        print(f"  {what:<45} {count:>6}")
    print("\nwhat the APIs hold now:")
    for what, count in result.totals.items():
        print(f"  {what:<45} {count:>6}")
    print(f"\nsteps (s): {result.timings}")
    if not answers.get("exchange"):
        print(f"(the exchange at {urls['exchange']} did not answer: no partner events)")
    print(f"explore: {urls['membership']}/docs  (a token: uv run capmetiers-token staff)")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
