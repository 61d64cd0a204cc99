"""The training sessions' places as partners see them, and each enrollment's state.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-10
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("capacity", sa.Integer),
        sa.Column("places_taken", sa.Integer, nullable=False, server_default="0"),
        sa.Column("waiting", sa.Integer, nullable=False, server_default="0"),
        sa.Column("version", sa.BigInteger, nullable=False, server_default="0"),
    )
    op.create_table(
        "enrollments",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("session_id", sa.Uuid, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.CheckConstraint(
            "state IN ('place', 'waiting', 'ended')", name="ck_enrollments_state"
        ),
    )
    op.create_index("ix_enrollments_session_id", "enrollments", ["session_id"])


def downgrade() -> None:
    op.drop_index("ix_enrollments_session_id", table_name="enrollments")
    op.drop_table("enrollments")
    op.drop_table("sessions")
