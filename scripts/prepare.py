"""Creates each service's database when missing, then runs every service's migrations.

``uv run python scripts/prepare.py`` — idempotent: safe to run before every start.
"""

from __future__ import annotations

import asyncio
import sys
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from billing.service import runtime as billing
from booking.service import runtime as booking
from exchange.service import runtime as exchange
from membership.service import runtime as membership
from shared.db import to_sync_url
from training.service import runtime as training

RUNTIMES = (membership, training, booking, billing, exchange)


async def ensure_database(url: str) -> None:
    parts = urlsplit(to_sync_url(url))
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    conn = await asyncpg.connect(admin)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    finally:
        await conn.close()


def main() -> int:
    for runtime in RUNTIMES:
        asyncio.run(ensure_database(runtime.settings.database_url))
        runtime.migrate()
        print(f"{runtime.name}: migrated to head")
    return 0


if __name__ == "__main__":
    sys.exit(main())
