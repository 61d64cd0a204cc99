"""X2 through a whole year: the same year as ``test_year`` (the same steps, the same requests),
while every relay and every worker is killed once (SIGKILL) at a random moment and started
again, RabbitMQ is restarted once, every event reaches every queue twice, and a poison message
lands on a consumer's queue (:mod:`tests.e2e.faults`, all drawn from ``SEED``). The year must
end exactly as the fault-free one (the same normalised snapshot of every API), with nothing in
any DLQ but the poison message.

Marked ``broker_fault``: the harness runs it last in the session, after the other tests that
share the broker, and leaves the broker started.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import pytest

from shared.testing.helpers import wait_until
from tests.e2e.agency import SERVICES, Agency
from tests.e2e.conftest import YearRun
from tests.e2e.faults import Chaos, Duplicator
from tests.e2e.platform import cli, dead_letters, idle, topology_queues, year_platform
from tests.e2e.snapshot import snapshot
from tests.e2e.year import all_steps

pytestmark = [pytest.mark.e2e, pytest.mark.broker_fault, pytest.mark.timeout(900)]

#: The faults' seed; ``YEAR_FAULTS_SEED`` replays another year of faults.
SEED = int(os.environ.get("YEAR_FAULTS_SEED", "2031"))


async def test_x2_a_year_through_kills_a_broker_restart_duplicates_and_poison_ends_the_same(
    fault_free_year: YearRun,
    test_servers: Any,
    migrated_database: Any,
    broker_control: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    started = time.monotonic()
    log_dir = tmp_path_factory.mktemp("year-faults-logs")
    steps = all_steps()
    async with year_platform("faults", test_servers, migrated_database, log_dir) as (
        platform,
        clock,
    ):
        queues = [(s, q.name) for s in SERVICES for q in topology_queues(platform, s)]
        poisoned, poison_queue = queues[SEED % len(queues)]
        chaos = Chaos(
            platform, broker_control, [s.__name__ for s in steps.steps], SEED, poison_queue
        )
        async with (
            Duplicator(platform) as duplicator,
            Agency(platform, clock, within=150, between=chaos.between) as agency,
        ):
            await steps.run(agency)
            await chaos.settle()
            state: dict[str, Any] = {}

            async def converged() -> bool:
                if not await idle(platform, (duplicator.queue,)):
                    return False
                state.update(await snapshot(agency))
                return state == fault_free_year.snapshot

            try:
                await wait_until(converged, within=150, interval=1.0)
            finally:
                (log_dir / "snapshot.json").write_text(json.dumps(state, indent=1, default=str))
        letters = await dead_letters(platform)
        parked = await cli(platform, poisoned, "dlq", "show", poison_queue)
    print(
        f"year with faults in {log_dir}: {time.monotonic() - started:.0f}s, {chaos.log}, "
        f"{duplicator.copied} copies, steps {agency.timings}"
    )
    assert state == fault_free_year.snapshot
    assert len(chaos.log) == 8 + 2 + 1, chaos.log  # 8 kills, the broker's restart, the poison
    assert duplicator.copied > 100
    # X2: only the poison rests in a DLQ, where the operators' command shows it
    assert letters == {f"{poison_queue}.dlq": 1}
    [shown] = [json.loads(line) for line in parked.splitlines()]
    assert shown["message_id"] == chaos.poison_id
    assert shown["error"].startswith("undecodable")
