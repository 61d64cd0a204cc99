"""The benchmarks' databases, on the server of ``BENCH_DATABASE_URL``: made for a run, dropped
at its end whatever happened."""

from __future__ import annotations

import os
from collections.abc import Iterable

import asyncpg

from shared.db import to_sync_url

ADMIN_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


def database_url(name: str) -> str:
    """The asyncpg URL of the database ``name`` on the benchmarks' server."""
    head, _, _ = ADMIN_DATABASE_URL.rpartition("/")
    return f"{head}/{name}"


async def _admin(statements: Iterable[str]) -> None:
    connection = await asyncpg.connect(to_sync_url(ADMIN_DATABASE_URL))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


async def create_database(name: str) -> str:
    """A new empty database ``name``; its URL."""
    await _admin([f'CREATE DATABASE "{name}"'])
    return database_url(name)


async def drop_databases(names: Iterable[str]) -> None:
    """Drop ``names`` (those that exist), their connections closed by force."""
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names)
