"""``scripts/demo.py`` fills a running platform with its year (at a small scale here), and runs
again on the same platform without failing, adding new structures to what it finds.

The four services run as processes on a clock file of their own; the script reaches them only
through their URLs and the clock file, as it reaches ``make run``'s platform. What it did is
then read back through the APIs: structures, active memberships, invoices and their payments,
sessions with places, bookings, credit notes, the next year's renewals; and the clock is back.
"""

from __future__ import annotations

import asyncio
import re
import sys
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.auth import Role
from shared.clock import set_shifted_clock
from tests.conftest import ROOT, Platform
from tests.e2e.platform import wait_consuming

PLATFORM_SERVICES = ("membership", "training", "booking", "billing")
PLATFORM_CLOCK = True
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]
YEAR = 2030


async def demo(platform: Platform, *args: str) -> str:
    """The script, as ``make demo`` runs it, against the platform's processes."""
    urls = [f"--base-url={name}={platform[name].url}" for name in PLATFORM_SERVICES]
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "scripts/demo.py",
        *urls,
        f"--clock-file={platform.clock_file}",
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    text = out.decode()
    assert proc.returncode == 0, text[-4000:]
    return text


async def get(platform: Platform, service: str, path: str, role: Role, **params: Any) -> Any:
    async with platform.client(service) as client:
        response = await client.get(path, headers=platform.token(role), params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_demo_fills_every_api_and_runs_again(platform: Platform) -> None:
    assert platform.clock_file is not None
    await wait_consuming(platform)
    before = datetime(YEAR + 1, 3, 1, 9, tzinfo=UTC)
    set_shifted_clock(platform.clock_file, before)
    out = await demo(platform, "--structures", "12", "--seed", "11", "--year", str(YEAR))
    assert "structures added" in out, out

    structures = await get(platform, "membership", "/structures", Role.STAFF, limit=500)
    assert structures["total"] == 12
    assert all(
        s["legal_name"] and not s["legal_name"].startswith("Structure ")
        for s in structures["items"]
    )
    active = await get(
        platform, "membership", "/memberships", Role.STAFF, year=YEAR, status="active"
    )
    assert 8 <= active["total"] <= 11  # one rejected, one never paid: the rest paid (M5, F5)
    invoices = await get(platform, "billing", "/invoices", Role.FINANCE, limit=500)
    kinds = {(i["kind"], i["status"]) for i in invoices["items"]}
    assert ("membership_new", "paid") in kinds
    assert ("membership_new", "overdue") in kinds or ("membership_new", "issued") in kinds
    assert ("membership_renewal", "paid") in kinds  # December's campaign (M6, M8)
    payments = await get(platform, "billing", "/payments", Role.FINANCE, limit=500)
    assert payments["total"] >= active["total"]
    sessions = await get(
        platform, "training", "/sessions", Role.STAFF, include_closed="true", limit=500
    )
    assert sessions["total"] == 30
    assert any(s["cancelled"] for s in sessions["items"])  # T8
    taken = [s for s in sessions["items"] if (s["places_taken"] or 0) > 0]
    assert taken, "no session has a place taken"
    roster = await get(platform, "training", f"/sessions/{taken[0]['id']}/roster", Role.STAFF)
    assert all(p["attendance"] for p in roster["places"])  # recorded in December (T7)
    bookings = await get(platform, "booking", "/bookings", Role.STAFF, limit=500)
    assert {b["status"] for b in bookings["items"]} >= {"active", "cancelled"}
    notes = await get(platform, "billing", "/credit-notes", Role.FINANCE)
    assert notes["total"] >= 1  # B3: the auditorium date cancelled before its day
    assert abs((platform.clock.now() - before).total_seconds()) < 600  # the clock put back

    again = await demo(platform, "--structures", "3", "--seed", "11", "--year", str(YEAR))
    assert re.search(r"structures found +12\n", again), again
    structures = await get(platform, "membership", "/structures", Role.STAFF, limit=1)
    assert structures["total"] == 15
    sessions = await get(platform, "training", "/sessions", Role.STAFF, include_closed="true")
    assert sessions["total"] == 30  # the catalogue was kept, not doubled
