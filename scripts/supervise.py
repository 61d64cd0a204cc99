"""Runs every process of a Procfile under supervisord, in the foreground.

``python scripts/supervise.py [Procfile] [--run-dir DIR]`` — a process that exits or crashes
is logged and started again while the others go on; Ctrl-C (SIGINT) or SIGTERM stops them all.
Every process writes to this terminal; supervisord logs each start and exit there too.

The Procfile stays the one list of the processes (``name: [VAR=value ...] command``): a
service added there is supervised with no other change. While it runs,
``supervisorctl -c <run dir>/supervisord.conf status`` (or ``restart billing-worker``) talks
to it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shlex
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

#: A process that dies within this many seconds of its start has failed to start; supervisord
#: tries again (waiting 1 s, then 2 s, ...) this many times before it gives that one up.
START_SECONDS = 2
START_RETRIES = 5
#: SIGTERM first (each process drains its work), SIGKILL after this many seconds.
STOP_WAIT_SECONDS = 20
#: What a unix socket's path may hold (108 bytes on Linux, 104 on macOS).
MAX_SOCKET_PATH = 100


@dataclass(frozen=True)
class Process:
    name: str
    argv: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)


def parse_procfile(text: str) -> list[Process]:
    """The processes of a Procfile: ``name: [VAR=value ...] program args...`` per line."""
    processes: list[Process] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, command = line.partition(":")
        name = name.strip()
        if not sep or not _NAME.match(name):
            raise ValueError(f"Procfile line {number}: expected 'name: command', got {raw!r}")
        words = shlex.split(command)
        env: dict[str, str] = {}
        while words and _ASSIGNMENT.match(words[0]):
            key, _, value = words.pop(0).partition("=")
            env[key] = value
        if not words:
            raise ValueError(f"Procfile line {number}: {name} has no command")
        if any(p.name == name for p in processes):
            raise ValueError(f"Procfile line {number}: {name} is defined twice")
        processes.append(Process(name, tuple(words), env))
    return processes


def _value(text: str) -> str:
    """A value as supervisord's configuration reads it (``%`` starts an expansion there)."""
    return text.replace("%", "%%")


def _program(process: Process, directory: Path) -> str:
    program, *args = process.argv
    if "/" in program and not os.path.isabs(program):
        program = str(directory / program)
    command = shlex.join([program, *args])
    lines = [
        f"[program:{process.name}]",
        f"command={_value(command)}",
        f"directory={_value(str(directory))}",
        "autostart=true",
        "autorestart=true",
        f"startsecs={START_SECONDS}",
        f"startretries={START_RETRIES}",
        "stopsignal=TERM",
        f"stopwaitsecs={STOP_WAIT_SECONDS}",
        # Each process leads a process group: a server's own children stop (or die) with it.
        "stopasgroup=true",
        "killasgroup=true",
        "redirect_stderr=true",
        "stdout_logfile=/dev/stdout",
        "stdout_logfile_maxbytes=0",
    ]
    if process.env:
        pairs = ",".join(
            f'{key}="{_value(value).replace(chr(34), chr(92) + chr(34))}"'
            for key, value in process.env.items()
        )
        lines.append(f"environment={pairs}")
    return "\n".join(lines)


def render_config(processes: Sequence[Process], *, directory: Path, run_dir: Path) -> str:
    """supervisord's configuration: foreground, every log on stdout, a control socket.

    In the foreground supervisord writes its own log to stdout as well as to its log file.
    """
    socket = run_dir / "supervisor.sock"
    if len(str(socket)) > MAX_SOCKET_PATH:
        raise ValueError(f"{run_dir} is too long a path for supervisord's control socket")
    header = f"""\
[supervisord]
nodaemon=true
logfile={_value(str(run_dir / "supervisord.log"))}
loglevel=info
pidfile={_value(str(run_dir / "supervisord.pid"))}
childlogdir={_value(str(run_dir))}
directory={_value(str(directory))}

[unix_http_server]
file={_value(str(socket))}
chmod=0700

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{_value(str(socket))}
"""
    return "\n".join([header, *(_program(p, directory) for p in processes)]) + "\n"


def default_run_dir(directory: Path) -> Path:
    """One run directory per checkout (a short path: it holds a unix socket)."""
    digest = hashlib.sha256(str(directory).encode()).hexdigest()[:10]
    return Path(tempfile.gettempdir()) / f"capmetiers-run-{os.getuid()}-{digest}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("procfile", nargs="?", type=Path, default=ROOT / "Procfile")
    parser.add_argument("--run-dir", type=Path, default=None, help="config, socket and pid file")
    args = parser.parse_args(argv)
    procfile: Path = args.procfile.resolve()
    directory = procfile.parent
    run_dir: Path = args.run_dir or default_run_dir(directory)
    processes = parse_procfile(procfile.read_text())
    if not processes:
        parser.error(f"{procfile} lists no process")
    run_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    config = run_dir / "supervisord.conf"
    config.write_text(render_config(processes, directory=directory, run_dir=run_dir))
    supervisord = shutil.which(
        "supervisord", path=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"
    )
    if supervisord is None:
        print("supervisord is not installed (make install)", file=sys.stderr)
        return 1
    print(
        f"supervising {len(processes)} processes; status: supervisorctl -c {config} status",
        flush=True,
    )
    os.execv(supervisord, [supervisord, "--nodaemon", "--configuration", str(config)])


if __name__ == "__main__":
    sys.exit(main())
