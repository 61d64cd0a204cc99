"""Version guards of the consumers: the newest version of each aggregate a projection applied.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""
from collections.abc import Sequence

from shared.messaging.tables import (
    create_aggregate_versions_table,
    drop_aggregate_versions_table,
)

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_aggregate_versions_table()


def downgrade() -> None:
    drop_aggregate_versions_table()
