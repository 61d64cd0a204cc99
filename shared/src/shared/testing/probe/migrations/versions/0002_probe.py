"""What the probe consumer applied, and what the probe producer changed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "applied",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("consumer", sa.Text, nullable=False),
        sa.Column("message_id", sa.Uuid, nullable=False),
        sa.Column("siren", sa.Text, nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    )
    op.create_table(
        "structures",
        sa.Column("siren", sa.Text, primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("structures")
    op.drop_table("applied")
