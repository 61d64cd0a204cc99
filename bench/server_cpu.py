"""CPU time of a process, and of this machine's PostgreSQL and RabbitMQ servers, from /proc.

PostgreSQL runs a process per connection: a backend that exits within the measure is counted
through its parent's (the postmaster's) time of reaped children. Servers on another machine
read as zero.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The process names (``comm``) of each server.
SERVERS = {"postgres": ("postgres",), "rabbitmq": ("beam.smp",)}


def _times(stat: str) -> tuple[str, int, list[int]]:
    head, _, rest = stat.rpartition(")")
    fields = rest.split()
    # utime, stime, cutime, cstime (fields 14-17 of proc(5)); the parent pid (field 4)
    return head.partition("(")[2], int(fields[1]), [int(f) for f in fields[11:15]]


def process_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) the process ``pid`` has used so far."""
    _, _, (utime, stime, _, _) = _times(Path(f"/proc/{pid}/stat").read_text())
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def server_cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far by each server of :data:`SERVERS`."""
    ticks = os.sysconf("SC_CLK_TCK")
    found: dict[int, tuple[str, int, list[int]]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            found[int(entry.name)] = _times((entry / "stat").read_text())
        except OSError:  # gone meanwhile
            continue
    totals = dict.fromkeys(SERVERS, 0.0)
    for name, commands in SERVERS.items():
        for command, parent, (utime, stime, cutime, cstime) in found.values():
            if command not in commands:
                continue
            totals[name] += utime + stime
            if found.get(parent, ("",))[0] not in commands:  # the server's first process
                totals[name] += cutime + cstime
    return {name: total / ticks for name, total in totals.items()}
