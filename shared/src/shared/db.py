"""Async SQLAlchemy engine and session factory, and the Alembic entry point of every service."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.ext.asyncio import create_async_engine

from shared.held_connections import HoldingEngine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


def create_engine(url: str, *, pool_size: int = 10, max_overflow: int = 10) -> HoldingEngine:
    """The service's engine.

    In autocommit mode: transactions belong to :class:`shared.unit_of_work.UnitOfWork`, which
    begins and ends them on the driver connection; a statement run on the engine outside a unit
    of work (a health check, a read in a test) is its own transaction.

    No ``pool_pre_ping``: it costs a round trip on every transaction. A connection the server
    dropped fails its statement once, SQLAlchemy then invalidates the pool, and the caller's
    retry (a consumer's redelivery, a client's new request) gets a fresh connection.

    Units of work take their connections through :class:`shared.held_connections.HoldingEngine`,
    which keeps up to ``pool_size`` of them between two units of work.
    """
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_recycle=1800,
        isolation_level="AUTOCOMMIT",
    )
    return HoldingEngine(engine.sync_engine, hold_at_most=pool_size)


def to_sync_url(url: str) -> str:
    """The libpq form of an asyncpg URL, for asyncpg.connect and psql."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def alembic_config(service_dir: Path, database_url: str) -> Config:
    config = Config(str(service_dir / "alembic.ini"))
    config.set_main_option("script_location", str(service_dir / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_to_head(service_dir: Path, database_url: str) -> None:
    """Run a service's migrations (``alembic upgrade head``) against ``database_url``."""
    command.upgrade(alembic_config(service_dir, database_url), "head")


def run_migrations_online(database_url: str, target_metadata: MetaData | None) -> None:
    """The body of every service's ``migrations/env.py`` (async engine, online mode)."""
    from alembic import context

    async def _run() -> None:
        connectable = create_async_engine(database_url, poolclass=pool.NullPool)
        async with connectable.connect() as connection:
            await connection.run_sync(_do_run)
        await connectable.dispose()

    def _do_run(connection: object) -> None:
        context.configure(connection=connection, target_metadata=target_metadata)  # type: ignore[arg-type]
        with context.begin_transaction():
            context.run_migrations()

    asyncio.run(_run())
