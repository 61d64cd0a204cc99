"""The test broker's health and names: whether it does work at all, and removing the queues and
exchanges of a run, of a platform within it, or of runs that died (tests and benchmarks)."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import aio_pika

from shared.testing.servers import run_is_known, run_is_over

#: How long the broker has to accept a connection and declare a queue at the session's start.
BROKER_ANSWER_WITHIN_S = 60.0


def broker_answers(url: str) -> bool:
    """Whether the broker at ``url`` declares a queue within :data:`BROKER_ANSWER_WITHIN_S`: one
    that accepts TCP but does no work would have every test wait for its own timeout."""

    async def declare_and_delete() -> None:
        connection = await aio_pika.connect(url, timeout=BROKER_ANSWER_WITHIN_S)
        async with connection:
            channel = await connection.channel()
            queue = await channel.declare_queue(exclusive=True, auto_delete=True)
            await queue.delete()

    try:
        _run_apart(lambda: asyncio.wait_for(declare_and_delete(), BROKER_ANSWER_WITHIN_S))
    except Exception:
        return False
    return True


#: Names made by a test run (``test<run id>.``) or a benchmark (``bench<run id>.``): those of runs
#: that died are removed too, since hundreds of leftover quorum queues slow a local broker down
#: to a halt; those of runs still going on the same broker (another worktree's session) are left
#: alone. With ``dead_if_unknown`` (under CI, where nothing else runs), a name whose run left no
#: lock file is a dead run's too.
_RUN_NAME = re.compile(r"^(?:test|bench)([0-9a-f]{8})\.")


def delete_names(namespace: str | None, url: str, *, dead_if_unknown: bool = False) -> None:
    """Best effort: remove the queues and exchanges of ``namespace`` (a run's, or a platform's
    within it) and those dead runs left, from a local broker. Quorum queues cost the broker
    processes and file handles while they exist, and slow its restarts: a suite that keeps
    every module's queues to its end makes the broker-fault tests wait minutes for recovery."""
    if not shutil.which("rabbitmqctl"):
        return
    names: dict[str, list[str]] = {}
    over: dict[str, bool] = {}

    def of_a_dead_run(name: str) -> bool:
        match = _RUN_NAME.match(name)
        if match is None:
            return False
        run_id = match.group(1)
        if run_id not in over:  # once per run: the first look removes its lock file
            over[run_id] = run_is_over(run_id) or (dead_if_unknown and not run_is_known(run_id))
        return over[run_id]

    def to_delete(name: str) -> bool:
        return (namespace is not None and name.startswith(f"{namespace}.")) or of_a_dead_run(name)

    for kind, command in (("queue", "list_queues"), ("exchange", "list_exchanges")):
        try:
            listed = subprocess.run(
                ["rabbitmqctl", "-q", command, "name"],
                check=True,
                capture_output=True,
                text=True,
                timeout=60,
            ).stdout.split()
        except (subprocess.SubprocessError, OSError):
            return
        names[kind] = [n for n in listed if to_delete(n)]
    if not names["queue"] and not names["exchange"]:
        return

    async def delete() -> None:
        connection = await aio_pika.connect(url)
        async with connection:
            channel = await connection.channel()
            for queue in names["queue"]:
                await channel.queue_delete(queue)
            for exchange in names["exchange"]:
                await channel.exchange_delete(exchange)

    _run_apart(delete)


def _run_apart(coroutine: Callable[[], Coroutine[Any, Any, object]]) -> None:
    """Run a coroutine to its end on a loop of its own thread, leaving the session's loop (and
    which loop is current) as they are."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(lambda: asyncio.run(coroutine())).result()
