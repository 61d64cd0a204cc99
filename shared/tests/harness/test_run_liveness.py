"""Test runs sharing one broker: a run removes the names of dead runs, never a live run's."""

from __future__ import annotations

import uuid

from shared.testing import servers
from shared.testing.servers import RUN_LOCKS, run_is_over


def test_a_running_session_is_not_over_and_a_dead_one_is() -> None:
    running = servers.TestServers("postgresql+asyncpg://x/postgres", "amqp://x/", origin="local")
    try:
        assert not run_is_over(running.run_id), "its lock is held while it runs"
    finally:
        running.stop()
    dead = uuid.uuid4().hex[:8]
    (RUN_LOCKS / f"{dead}.lock").write_bytes(b"")  # a run killed before its end left this
    assert run_is_over(dead)
    assert not (RUN_LOCKS / f"{dead}.lock").exists()


def test_a_run_that_left_no_lock_is_not_known_to_be_over() -> None:
    assert not run_is_over(uuid.uuid4().hex[:8])
