"""``make run``'s supervisor: a crashed process is started again, the others go on."""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.deploy.conftest import BACKENDS, FRONTENDS, ROOT, load_script, procfile_processes

supervise = load_script("supervise")

#: A trivial process: appends its pid to ``<name>.pids``, then waits to be stopped.
SLEEPER = (
    "import os, sys, time; "
    "open(sys.argv[1] + '.pids', 'a').write(str(os.getpid()) + chr(10)); "
    "time.sleep(3600)"
)


def wait_for(
    condition: Callable[[], object],
    what: str,
    proc: subprocess.Popen[bytes],
    within: float = 30.0,
) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert proc.poll() is None, f"the supervisor exited with {proc.returncode}"
        if time.monotonic() > deadline:
            raise AssertionError(f"still not {what} after {within}s")
        time.sleep(0.1)


def pids(directory: Path, name: str) -> list[int]:
    path = directory / f"{name}.pids"
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child that died but was not reaped yet is a zombie: not running.
    with contextlib.suppress(FileNotFoundError):
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    return False


@pytest.fixture
def supervisor(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    run_dir = Path(tempfile.mkdtemp(prefix="supervise-"))
    procfile = tmp_path / "Procfile"
    procfile.write_text(
        "".join(
            f"{name}: {shlex.quote(sys.executable)} -c {shlex.quote(SLEEPER)} {name}\n"
            for name in ("first", "second")
        )
    )
    log = tmp_path / "supervisor.log"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "scripts" / "supervise.py"),
                str(procfile),
                f"--run-dir={run_dir}",
            ],
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield proc, tmp_path
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        for name in ("first", "second"):
            for pid in pids(tmp_path, name):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        shutil.rmtree(run_dir, ignore_errors=True)


def test_a_killed_process_is_started_again_and_the_other_keeps_running(
    supervisor: tuple[subprocess.Popen[bytes], Path],
) -> None:
    proc, directory = supervisor
    wait_for(lambda: pids(directory, "first") and pids(directory, "second"), "both started", proc)
    [first], [second] = pids(directory, "first"), pids(directory, "second")

    os.kill(first, signal.SIGKILL)

    wait_for(lambda: len(pids(directory, "first")) == 2, "restarted", proc)
    restarted = pids(directory, "first")[1]
    assert restarted != first
    wait_for(lambda: alive(restarted), "running again", proc)
    assert pids(directory, "second") == [second]
    assert alive(second)
    assert proc.poll() is None, "the supervisor stopped"
    log = (directory / "supervisor.log").read_text()
    assert "exited: first (terminated by SIGKILL; not expected)" in log


def test_ctrl_c_stops_every_process_and_the_supervisor(
    supervisor: tuple[subprocess.Popen[bytes], Path],
) -> None:
    proc, directory = supervisor
    wait_for(lambda: pids(directory, "first") and pids(directory, "second"), "both started", proc)
    [first], [second] = pids(directory, "first"), pids(directory, "second")

    proc.send_signal(signal.SIGINT)

    assert proc.wait(timeout=60) == 0
    assert not alive(first)
    assert not alive(second)


def test_procfile_lines_become_programs_with_their_environment(tmp_path: Path) -> None:
    processes = supervise.parse_procfile(
        "# comment\n\nbilling-api: PORT=8004 .venv/bin/python -m billing api\n"
        "billing-worker: .venv/bin/python -m billing worker\n"
    )
    assert [(p.name, p.argv, p.env) for p in processes] == [
        ("billing-api", (".venv/bin/python", "-m", "billing", "api"), {"PORT": "8004"}),
        ("billing-worker", (".venv/bin/python", "-m", "billing", "worker"), {}),
    ]
    config = supervise.render_config(processes, directory=tmp_path, run_dir=tmp_path / "run")
    assert f"command={tmp_path}/.venv/bin/python -m billing api" in config
    assert 'environment=PORT="8004"' in config
    assert config.count("autorestart=true") == 2
    assert config.count("stdout_logfile=/dev/stdout") == 2


@pytest.mark.parametrize(
    "line",
    ["no colon here", "api:", "bad name: python -m x", "a: x\na: y"],
)
def test_a_procfile_it_cannot_read_is_refused(line: str) -> None:
    with pytest.raises(ValueError, match="Procfile line"):
        supervise.parse_procfile(line)


def test_the_platforms_procfile_is_supervised_whole() -> None:
    processes = supervise.parse_procfile((ROOT / "Procfile").read_text())
    assert [p.name for p in processes] == procfile_processes()
    names = {p.name for p in processes}
    assert {p.name.rsplit("-", 1)[0] for p in processes} == {*BACKENDS, *FRONTENDS}
    assert BACKENDS
    for service in BACKENDS:
        assert {f"{service}-api", f"{service}-worker", f"{service}-relay"} <= names
    for frontend in FRONTENDS:
        # no database: nothing to consume or relay
        assert {p for p in names if p.startswith(f"{frontend}-")} == {f"{frontend}-api"}
