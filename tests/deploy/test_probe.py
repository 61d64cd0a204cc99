"""The containers' probes (``scripts/probe.py``): what makes a worker, a relay or an API unhealthy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from alembic.script import ScriptDirectory

from tests.deploy.conftest import ROOT, load_script

if TYPE_CHECKING:
    from shared.testing.servers import TestServers

probe = load_script("probe")


def run_probe(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "probe.py"), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_fresh_heartbeat_is_alive_and_a_stale_one_is_not(tmp_path: Path) -> None:
    beat = tmp_path / "heartbeat"
    beat.touch()
    env = {"HEARTBEAT_FILE": str(beat), "HEARTBEAT_MAX_AGE_S": "60"}
    touched = beat.stat().st_mtime
    assert "touched" in probe.check_heartbeat(env, now=touched + 60)
    with pytest.raises(probe.Unhealthy, match="last touched 61s ago"):
        probe.check_heartbeat(env, now=touched + 61)


def test_a_missing_heartbeat_fails_only_once_it_is_required(tmp_path: Path) -> None:
    env = {"HEARTBEAT_FILE": str(tmp_path / "never-written")}
    assert "absent" in probe.check_heartbeat(env)
    with pytest.raises(probe.Unhealthy, match="never written"):
        probe.check_heartbeat({**env, "HEARTBEAT_REQUIRED": "true"})


def test_the_service_database_wins_over_the_common_one() -> None:
    env = {
        "DATABASE_URL": "postgresql+asyncpg://db/common",
        "TRAINING_DATABASE_URL": "postgresql+asyncpg://db/training",
    }
    assert probe.database_url("training", env) == "postgresql://db/training"
    assert probe.database_url("booking", env) == "postgresql://db/common"
    with pytest.raises(probe.Unhealthy, match="BOOKING_DATABASE_URL"):
        probe.database_url("booking", {})


def _revision(directory: Path, revision: str, down: str | None) -> None:
    (directory / f"{revision}.py").write_text(
        f"revision = {revision!r}\ndown_revision = {down!r}\n"
        "branch_labels = None\ndepends_on = None\n"
        "def upgrade():\n    pass\ndef downgrade():\n    pass\n"
    )


@pytest.fixture
def script(tmp_path: Path) -> ScriptDirectory:
    (tmp_path / "versions").mkdir()
    (tmp_path / "script.py.mako").write_text("")
    _revision(tmp_path / "versions", "0001", None)
    _revision(tmp_path / "versions", "0002", "0001")
    return ScriptDirectory(str(tmp_path))


def test_pods_start_on_a_database_at_their_head_or_newer(script: ScriptDirectory) -> None:
    assert "at head 0002" in probe.schema_state(script, ["0002"])
    assert "newer" in probe.schema_state(script, ["0003"])


@pytest.mark.parametrize("applied", [[], ["0001"]], ids=["never-migrated", "behind"])
def test_pods_wait_while_the_database_is_behind_their_head(
    script: ScriptDirectory, applied: list[str]
) -> None:
    with pytest.raises(probe.Unhealthy, match="not yet at this image's head 0002"):
        probe.schema_state(script, applied)


def test_the_migrations_of_a_service_are_found_without_importing_it() -> None:
    assert probe.service_dir("training") == ROOT / "services" / "training"
    assert (probe.service_dir("training") / "migrations" / "env.py").exists()


@pytest.mark.integration
def test_ready_when_the_database_and_the_broker_answer(test_servers: TestServers) -> None:
    env = {"DATABASE_URL": test_servers.database_url, "RABBITMQ_URL": test_servers.rabbitmq_url}
    ok = run_probe("ready", "training", env=env)
    assert ok.returncode == 0, ok.stderr
    down = run_probe(
        "ready", "training", env={**env, "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/x"}
    )
    assert down.returncode == 1
    assert down.stderr.startswith("database:")


@pytest.mark.integration
def test_migrated_gives_up_on_a_database_never_migrated(test_servers: TestServers) -> None:
    result = run_probe(
        "migrated", "training", "--wait", "0", env={"DATABASE_URL": test_servers.database_url}
    )
    assert result.returncode == 1
    assert "no revision, not yet at this image's head" in result.stderr
