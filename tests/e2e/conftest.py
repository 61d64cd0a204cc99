"""The year of the agency, run once per test session on a platform of its own and shared by
its tests: the fault-free year's end state is what the fault suite's year must end in."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import pytest

from tests.e2e.agency import Agency
from tests.e2e.platform import dead_letters, idle, year_platform
from tests.e2e.snapshot import Snapshot, snapshot
from tests.e2e.year import all_steps


@dataclass(frozen=True)
class YearRun:
    snapshot: Snapshot
    #: Every DLQ holding a message at the end, with its count.
    dead_letters: dict[str, int]
    seconds: float


@pytest.fixture(scope="session")
async def fault_free_year(
    test_servers: Any, migrated_database: Any, tmp_path_factory: pytest.TempPathFactory
) -> YearRun:
    """The year on a platform where nothing goes wrong, its end state once every queue is
    idle."""
    started = time.monotonic()
    log_dir = tmp_path_factory.mktemp("year-logs")
    phases: dict[str, float] = {}

    def phase(name: str) -> None:
        phases[name] = round(time.monotonic() - started - sum(phases.values()), 1)

    async with year_platform("year", test_servers, migrated_database, log_dir) as (platform, clock):
        phase("start")
        async with Agency(platform, clock) as agency:
            await all_steps().run(agency)
            phase("steps")
            await agency.until("every queue idle", lambda: idle(platform))
            phase("idle")
            state = await snapshot(agency)
            phase("snapshot")
        letters = await dead_letters(platform)
        phase("dlq")
    (log_dir / "snapshot.json").write_text(json.dumps(state, indent=1, default=str))
    print(f"fault-free year in {log_dir}: {phases}, steps {agency.timings}")
    return YearRun(state, letters, time.monotonic() - started)
