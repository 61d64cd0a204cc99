"""Small helpers for asynchronous tests."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.auth import Role, mint_token
from shared.settings import AuthSettings


async def wait_until(
    predicate: Callable[[], Awaitable[bool]], within: float = 15.0, interval: float = 0.05
) -> None:
    """Poll ``predicate`` until it holds; fail the test after ``within`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await predicate():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(interval)


def bearer(settings: AuthSettings, *roles: Role, siren: str | None = None) -> dict[str, str]:
    """The Authorization header of a caller holding ``roles`` (a member: for ``siren``)."""
    subject = "-".join(r.value for r in roles) + (f"-{siren}" if siren else "")
    token = mint_token(settings, subject=subject, roles=list(roles), siren=siren)
    return {"Authorization": f"Bearer {token}"}


@contextlib.asynccontextmanager
async def asgi_client(app: Any) -> AsyncIterator[Any]:
    """An ``httpx.AsyncClient`` calling ``app`` in process (httpx is a test dependency)."""
    import httpx

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


async def schema_drift(engine: AsyncEngine, metadata: MetaData) -> list[Any]:
    """What Alembic's autogenerate would change to make the migrated database match
    ``metadata``: empty when the table definitions and the migrations describe one schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: list(compare_metadata(MigrationContext.configure(sync), metadata))
        )


async def outbox_envelopes(
    engine: AsyncEngine, event_type: str, **payload: str
) -> list[dict[str, Any]]:
    """The envelopes of ``event_type`` in a service's outbox whose payload has the given
    values, in the order they were written."""
    import json

    from sqlalchemy import text

    conditions = "".join(f" AND payload->'payload'->>'{key}' = :{key}" for key in payload)
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                f"SELECT payload::text FROM outbox WHERE event_type = :t{conditions}"
                " ORDER BY created_at, id"
            ),
            {"t": event_type, **payload},
        )
        return [json.loads(row[0]) for row in rows]
