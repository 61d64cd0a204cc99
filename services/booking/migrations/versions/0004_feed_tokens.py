"""The calendar feeds' subscription tokens: one per feed and holder, stored as SHA-256.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feed_tokens",
        sa.Column("feed", sa.Text),
        sa.Column("target", sa.Text),
        sa.Column("holder", sa.Text),
        sa.Column("token_sha256", sa.LargeBinary, nullable=False),
        sa.Column("detailed", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("feed", "target", "holder", name="pk_feed_tokens"),
        sa.UniqueConstraint("token_sha256", name="uq_feed_tokens_token_sha256"),
        sa.CheckConstraint("feed IN ('structure', 'resource')", name="ck_feed_tokens_feed"),
    )


def downgrade() -> None:
    op.drop_table("feed_tokens")
