"""Versions of the rows events are about, and the year's plan upgrade on its membership.

Every event names an aggregate at the version its transaction left it (the ``RETURNING
version`` of the write): applications (``MembershipApplicationSubmitted``,
``MembershipRejected``) and establishments (``BeneficiaryAdded``/``BeneficiaryRemoved``, one
aggregate per SIRET) get the ``version`` column structures and memberships already have.
``memberships.upgrade_id`` names the year's plan upgrade (M10) once requested: the change of the
membership that ``PlanUpgradeRequested`` reports.

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
    for table in ("applications", "establishments"):
        op.add_column(
            table,
            sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
        )
    op.add_column("memberships", sa.Column("upgrade_id", sa.Uuid))
    # The upgrade of each membership that has one: the live one, else the last cancelled.
    op.execute(
        "UPDATE memberships m SET upgrade_id = u.id FROM ("
        " SELECT DISTINCT ON (membership_id) membership_id, id FROM plan_upgrades"
        " ORDER BY membership_id, (state <> 'cancelled') DESC, requested_at DESC"
        ") u WHERE u.membership_id = m.id"
    )


def downgrade() -> None:
    op.drop_column("memberships", "upgrade_id")
    for table in ("establishments", "applications"):
        op.drop_column(table, "version")
