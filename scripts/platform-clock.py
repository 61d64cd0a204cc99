"""Move a development platform to another day: ``python scripts/platform-clock.py 2027-02-16``.

Every process started with ``DEV_CLOCK_FILE`` pointing at the same file (``make run`` does)
reads its time from the wall clock shifted by the offset written here; ``--reset`` removes it.
"""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime
from pathlib import Path

from shared.clock import set_shifted_clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("at", nargs="?", help="a date or an ISO date-time (UTC if no zone)")
    parser.add_argument("--reset", action="store_true", help="back to the wall clock")
    parser.add_argument(
        "--file", type=Path, default=Path(os.environ.get("DEV_CLOCK_FILE", ".platform-clock"))
    )
    args = parser.parse_args()
    if args.reset:
        args.file.unlink(missing_ok=True)
        print("the platform follows the wall clock")
        return
    if not args.at:
        parser.error("give a date, or --reset")
    at = datetime.fromisoformat(args.at)
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    offset = set_shifted_clock(args.file, at)
    print(f"the platform is now at {at.isoformat()} (offset {offset})")


if __name__ == "__main__":
    main()
