"""The version guards' table, and the probe's projection of Qualiopi certificates.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.messaging.tables import (
    create_aggregate_versions_table,
    drop_aggregate_versions_table,
)

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_aggregate_versions_table()
    op.create_table(
        "certifications",
        sa.Column("siren", sa.Text, primary_key=True),
        sa.Column("certificate_number", sa.Text, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("certifications")
    drop_aggregate_versions_table()
