"""Health probes of the platform's containers, for Compose healthchecks and Kubernetes exec probes.

    python scripts/probe.py http URL          # an API: the URL answers 2xx
    python scripts/probe.py ready SERVICE     # a worker or relay: its database and broker answer
    python scripts/probe.py heartbeat         # a worker or relay: its heartbeat file is fresh
    python scripts/probe.py migrated SERVICE  # wait until the database is at this image's head

Exit status 0 when healthy, 1 when not (with the reason on stderr). The settings come from the
environment the process itself reads: ``<SERVICE>_DATABASE_URL`` (else ``DATABASE_URL``),
``RABBITMQ_URL``; and for the heartbeat:

- ``HEARTBEAT_FILE`` (default ``/tmp/capmetiers/heartbeat``): the file a worker or relay
  touches while its loop runs;
- ``HEARTBEAT_MAX_AGE_S`` (default 60): older than this, the process is stuck;
- ``HEARTBEAT_REQUIRED`` (default false): while false, a process that never wrote the file is
  not judged by it (the processes do not write it yet); set it true once they do.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

DEFAULT_HEARTBEAT_FILE = "/tmp/capmetiers/heartbeat"
DEFAULT_HEARTBEAT_MAX_AGE_S = 60.0
TIMEOUT_S = 3.0


class Unhealthy(Exception):
    """What the probe found wrong, in words an operator reads in ``kubectl describe``."""


# -- an API ------------------------------------------------------------------------------------


def check_http(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
            return f"{url}: {response.status}"
    except urllib.error.HTTPError as exc:
        raise Unhealthy(f"{url}: {exc.code} {exc.read()[:200]!r}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise Unhealthy(f"{url}: {exc}") from None


# -- a worker or a relay -----------------------------------------------------------------------


def database_url(service: str, env: dict[str, str]) -> str:
    """The service's database as the service reads it (``<SERVICE>_DATABASE_URL`` wins)."""
    url = env.get(f"{service.upper()}_DATABASE_URL") or env.get("DATABASE_URL")
    if not url:
        raise Unhealthy(f"neither {service.upper()}_DATABASE_URL nor DATABASE_URL is set")
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _check_database(url: str) -> None:
    import asyncpg

    try:
        conn = await asyncpg.connect(url, timeout=TIMEOUT_S)
        try:
            await conn.fetchval("SELECT 1", timeout=TIMEOUT_S)
        finally:
            await conn.close()
    except Exception as exc:
        raise Unhealthy(f"database: {type(exc).__name__}: {exc}") from None


async def _check_broker(url: str) -> None:
    import aio_pika

    try:
        connection = await aio_pika.connect(url, timeout=TIMEOUT_S)
        await connection.close()
    except Exception as exc:
        raise Unhealthy(f"broker: {type(exc).__name__}: {exc}") from None


def check_ready(service: str, env: dict[str, str]) -> str:
    async def both() -> None:
        await asyncio.gather(
            _check_database(database_url(service, env)),
            _check_broker(env.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")),
        )

    asyncio.run(both())
    return f"{service}: database and broker answer"


def check_heartbeat(env: dict[str, str], now: float | None = None) -> str:
    path = Path(env.get("HEARTBEAT_FILE") or DEFAULT_HEARTBEAT_FILE)
    max_age = float(env.get("HEARTBEAT_MAX_AGE_S") or DEFAULT_HEARTBEAT_MAX_AGE_S)
    required = (env.get("HEARTBEAT_REQUIRED") or "false").lower() in {"1", "true", "yes"}
    try:
        touched = path.stat().st_mtime
    except FileNotFoundError:
        if required:
            raise Unhealthy(f"{path} was never written") from None
        return f"{path} absent: the process does not write a heartbeat"
    age = (time.time() if now is None else now) - touched
    if age > max_age:
        raise Unhealthy(f"{path} last touched {age:.0f}s ago (more than {max_age:.0f}s)")
    return f"{path} touched {age:.0f}s ago"


# -- migrations --------------------------------------------------------------------------------


def service_dir(service: str) -> Path:
    """Where the service's ``migrations/`` live (``services/<service>``), without importing it."""
    spec = importlib.util.find_spec(service)
    if spec is None or spec.origin is None:
        raise Unhealthy(f"no installed service named {service}")
    return Path(spec.origin).resolve().parents[2]


def schema_state(script: ScriptDirectory, applied: Iterable[str]) -> str:
    """Whether a database at the ``applied`` revisions may run the code of ``script``'s image.

    At the image's heads: yes. At a revision the image does not know: a newer image migrated
    it (a rollout under way, or a rollback), and migrations keep the schema compatible with
    the previous release, so yes. Behind, or not migrated at all: not yet.
    """
    applied = set(applied)
    heads = set(script.get_heads())
    if applied == heads:
        return f"at head {', '.join(sorted(heads))}"
    from alembic.util import CommandError

    unknown = set()
    for revision in applied:
        try:
            script.get_revision(revision)
        except CommandError:
            unknown.add(revision)
    if unknown:
        return f"at {', '.join(sorted(unknown))}, newer than this image's head"
    raise Unhealthy(
        f"at {', '.join(sorted(applied)) or 'no revision'}, "
        f"not yet at this image's head {', '.join(sorted(heads))}"
    )


async def _applied_revisions(url: str) -> list[str]:
    import asyncpg

    conn = await asyncpg.connect(url, timeout=TIMEOUT_S)
    try:
        exists = await conn.fetchval("SELECT to_regclass('alembic_version') IS NOT NULL")
        if not exists:
            return []
        return [row[0] for row in await conn.fetch("SELECT version_num FROM alembic_version")]
    finally:
        await conn.close()


def wait_migrated(service: str, env: dict[str, str], within: float) -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(service_dir(service) / "migrations"))
    url = database_url(service, env)
    deadline = time.monotonic() + within
    while True:
        try:
            return f"{service}: {schema_state(script, asyncio.run(_applied_revisions(url)))}"
        except Exception as exc:
            if time.monotonic() > deadline:
                raise Unhealthy(f"{service}: {exc}") from None
            print(f"{service}: waiting for the migrations: {exc}", file=sys.stderr, flush=True)
            time.sleep(2)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="probe", required=True)
    commands.add_parser("http").add_argument("url")
    commands.add_parser("ready").add_argument("service")
    commands.add_parser("heartbeat")
    migrated = commands.add_parser("migrated")
    migrated.add_argument("service")
    migrated.add_argument("--wait", type=float, default=300.0, help="seconds, then give up")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    try:
        if args.probe == "http":
            message = check_http(args.url)
        elif args.probe == "ready":
            message = check_ready(args.service, env)
        elif args.probe == "heartbeat":
            message = check_heartbeat(env)
        else:
            message = wait_migrated(args.service, env, args.wait)
    except Unhealthy as exc:
        print(exc, file=sys.stderr)
        return 1
    print(message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
