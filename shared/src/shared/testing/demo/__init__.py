"""The demo: a realistic year lived on a running platform (``make demo``, ``scripts/demo.py``),
so that a newcomer finds every API filled: structures, memberships, sessions and places,
bookings, invoices, payments, credit notes, reminders, a renewal campaign.

:func:`run_demo` moves the platform clock (``DEV_CLOCK_FILE``, as ``make run`` sets it) through
the year and puts it back where it was at the end, whatever happens.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from shared.clock import ShiftedClock
from shared.testing.agency import ServiceUrls
from shared.testing.demo.year import DemoAgency
from shared.testing.demo.year_end import all_steps

__all__ = ["DemoAgency", "DemoResult", "platform_year", "ready", "run_demo"]


@dataclass
class DemoResult:
    year: int
    #: What the year did (``structures added``, ``enrolments waiting``...).
    report: dict[str, int]
    #: What the APIs hold at the end, every run's included (``structures``, ``invoices``...).
    totals: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def platform_year(clock_file: Path) -> int:
    """The year the platform is in (its clock file's offset applied)."""
    return ShiftedClock(clock_file).today().year


@contextlib.contextmanager
def clock_kept(clock_file: Path) -> Iterator[None]:
    """The clock file as it was before, once the block is done (removed if there was none)."""
    before = clock_file.read_text() if clock_file.exists() else None
    try:
        yield
    finally:
        if before is None:
            clock_file.unlink(missing_ok=True)
        else:
            temporary = clock_file.with_suffix(".tmp")
            temporary.write_text(before)
            temporary.replace(clock_file)


async def ready(urls: ServiceUrls) -> dict[str, bool]:
    """Which services answer ``/health/ready``."""
    answers: dict[str, bool] = {}
    for name in urls.urls:
        async with urls.client(name) as client:
            try:
                answers[name] = (await client.get("/health/ready")).status_code == 200
            except httpx.HTTPError:
                answers[name] = False
    return answers


async def _totals(a: DemoAgency) -> dict[str, int]:
    async def total(service: str, path: str, headers: dict[str, str], **params: object) -> int:
        page = await a.call(service, "GET", path, headers, params={**params, "limit": 1})
        return int(page["total"])

    return {
        "structures": await total("membership", "/structures", a.staff),
        f"memberships of {a.year} active": await total(
            "membership", "/memberships", a.staff, year=a.year, status="active"
        ),
        f"memberships of {a.year + 1} active": await total(
            "membership", "/memberships", a.staff, year=a.year + 1, status="active"
        ),
        "sessions": await total("training", "/sessions", a.staff, include_closed="true"),
        "bookings": await total("booking", "/bookings", a.staff),
        "invoices": await total("billing", "/invoices", a.finance),
        "payments": await total("billing", "/payments", a.finance),
        "credit notes": await total("billing", "/credit-notes", a.finance),
    }


async def run_demo(
    urls: ServiceUrls, clock_file: Path, *, count: int, seed: int, year: int | None = None
) -> DemoResult:
    """Live ``year`` (default: the platform's) with ``count`` new structures drawn from
    ``seed``."""
    lived = year or platform_year(clock_file)
    with clock_kept(clock_file):
        async with DemoAgency(urls, clock_file, year=lived, count=count, seed=seed) as agency:
            await all_steps().run(agency)
    async with DemoAgency(urls, clock_file, year=lived, count=0, seed=seed) as reader:
        totals = await _totals(reader)
    return DemoResult(lived, dict(sorted(agency.report.items())), totals, agency.timings)
