"""Idempotency keys of the requests that create money (payments, allocations, credit notes,
bank imports): a retry with the same key is answered as the first request was.

The key is claimed (inserted) first in the request's transaction, so that a concurrent
duplicate waits on it and then reads the answer stored with it, in the same transaction as the
change: a retry never creates twice.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("principal", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        #: SHA-256 of the request (method, path, query, body): the same key for another
        #: request is refused.
        sa.Column("fingerprint", sa.Text, nullable=False),
        sa.Column("status", sa.Integer),
        sa.Column("body", JSONB),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("idempotency_keys")
