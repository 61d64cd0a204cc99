"""The worker runs the lapse scheduler (M4) with the runtime's clock."""

from __future__ import annotations

from datetime import UTC, datetime

from membership.service import LAPSE_INTERVAL_S, build_runtime
from membership.settings import MembershipSettings
from shared.clock import FixedClock


def test_m4_worker_runs_the_lapse_scheduler_hourly_on_the_injected_clock() -> None:
    clock = FixedClock(datetime(2026, 2, 16, 0, 5, tzinfo=UTC))
    runtime = build_runtime(MembershipSettings(), clock)
    assert [job.__name__ for job in runtime.background_jobs] == [
        f"every_{LAPSE_INTERVAL_S}s_lapse_memberships"
    ]
    assert runtime.clock is clock
    assert runtime.uow().clock is clock
    assert {q.name.rsplit(".", 1)[-1] for q in runtime.topology.queues} == {
        "on_invoice_paid",
        "on_credit_note_issued",
    }
