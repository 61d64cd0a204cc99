"""The outbox and inbox tables, defined once and created by every service's first migration."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

OUTBOX = "outbox"
INBOX = "inbox"
AGGREGATE_VERSIONS = "aggregate_versions"
#: The channel the outbox writer notifies (transactionally: delivered on commit).
OUTBOX_CHANNEL = "outbox"


def outbox_columns() -> list[Any]:
    return [
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("routing_key", sa.Text, nullable=False),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("headers", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "available_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.now(),
        ),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
    ]


def inbox_columns() -> list[Any]:
    return [
        sa.Column("consumer", sa.Text, primary_key=True),
        sa.Column("message_id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "received_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    ]


def aggregate_versions_columns() -> list[Any]:
    """The newest version of each aggregate a projection applied (:mod:`.versions`)."""
    return [
        sa.Column("projection", sa.Text, primary_key=True),
        sa.Column("aggregate_id", sa.Text, primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
    ]


def outbox_table(metadata: sa.MetaData) -> sa.Table:
    """The outbox with the indexes the first migration creates (the relay's claim, the purge)."""
    table = sa.Table(OUTBOX, metadata, *outbox_columns())
    sa.Index(
        "ix_outbox_pending",
        table.c.available_at,
        table.c.created_at,
        postgresql_where=table.c.published_at.is_(None),
    )
    sa.Index("ix_outbox_published_at", table.c.published_at)
    return table


def inbox_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(INBOX, metadata, *inbox_columns())


def aggregate_versions_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(AGGREGATE_VERSIONS, metadata, *aggregate_versions_columns())


def create_aggregate_versions_table() -> None:
    """Called from a service's migration that adds version guards."""
    from alembic import op

    op.create_table(AGGREGATE_VERSIONS, *aggregate_versions_columns())


def drop_aggregate_versions_table() -> None:
    from alembic import op

    op.drop_table(AGGREGATE_VERSIONS)


def create_messaging_tables() -> None:
    """Called from a service's first Alembic migration (``upgrade``)."""
    from alembic import op

    op.create_table(OUTBOX, *outbox_columns())
    op.create_index(
        "ix_outbox_pending",
        OUTBOX,
        ["available_at", "created_at"],
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.create_index("ix_outbox_published_at", OUTBOX, ["published_at"])
    op.create_table(INBOX, *inbox_columns())


def drop_messaging_tables() -> None:
    from alembic import op

    op.drop_table(INBOX)
    op.drop_table(OUTBOX)
