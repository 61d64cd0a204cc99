"""Structures, establishments, applications, memberships, upgrades, tariffs, campaigns.

Seeds the tariffs of 2025 and 2026 (M2, M10): simple 100 €, premium 150 €, upgrade 50 €.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""
from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_now = sa.func.now()


def upgrade() -> None:
    op.create_table(
        "structures",
        sa.Column("siren", sa.Text, primary_key=True),
        sa.Column("legal_name", sa.Text, nullable=False),
        sa.Column("legal_form", sa.Text, nullable=False),
        sa.Column("public_body", sa.Boolean, nullable=False),
        sa.Column("training_organisation", sa.Boolean, nullable=False),
        sa.Column("activity_declaration_number", sa.Text),
        sa.Column("head_office_siret", sa.Text, nullable=False),
        sa.Column("address_line", sa.Text, nullable=False),
        sa.Column("postal_code", sa.Text, nullable=False),
        sa.Column("city", sa.Text, nullable=False),
        sa.Column("insee_code", sa.Text, nullable=False),
        sa.Column("email", sa.Text),
        sa.Column("contact_name", sa.Text),
        sa.Column("phone", sa.Text),
        sa.Column("qualiopi_number", sa.Text),
        sa.Column("qualiopi_valid_until", sa.Date),
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
    )
    op.create_table(
        "establishments",
        sa.Column("siret", sa.Text, primary_key=True),
        sa.Column("siren", sa.Text, sa.ForeignKey("structures.siren"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("address_line", sa.Text),
        sa.Column("postal_code", sa.Text),
        sa.Column("city", sa.Text),
        sa.Column("insee_code", sa.Text),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
        sa.Column("removed_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_establishments_siren", "establishments", ["siren"])
    op.create_table(
        "applications",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("siren", sa.Text, sa.ForeignKey("structures.siren"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("plan", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("structure_text", sa.Text),
        sa.Column("activity_text", sa.Text),
        sa.Column("motivations_text", sa.Text),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by", sa.Text, nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decided_by", sa.Text),
        sa.Column("rejection_reason", sa.Text),
        sa.Column("membership_id", sa.Uuid),
    )
    op.create_index("ix_applications_siren", "applications", ["siren"])
    # One live application per structure and year; a rejected one may be made again (M3).
    op.create_index(
        "uq_applications_siren_year_live",
        "applications",
        ["siren", "year"],
        unique=True,
        postgresql_where=sa.text("status <> 'rejected'"),
    )
    op.create_index(
        "ix_applications_pending", "applications", ["submitted_at"],
        postgresql_where=sa.text("status = 'pending_review'"),
    )
    op.create_table(
        "memberships",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("siren", sa.Text, sa.ForeignKey("structures.siren"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("plan", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column(
            "application_id", sa.Uuid, sa.ForeignKey("applications.id"), nullable=False
        ),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("submitted_on", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_from", sa.Date),
        sa.Column("premium_from", sa.Date),
        sa.Column("invoice_id", sa.Uuid),
        sa.Column("activated_at", sa.DateTime(timezone=True)),
        sa.Column("lapsed_on", sa.Date),
        sa.Column("lapse_reason", sa.Text),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
        sa.UniqueConstraint("siren", "year", name="uq_memberships_siren_year"),
    )
    op.create_index(
        "ix_memberships_active_year", "memberships", ["year"],
        postgresql_where=sa.text("state = 'active'"),
    )
    op.create_table(
        "plan_upgrades",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column(
            "membership_id", sa.Uuid, sa.ForeignKey("memberships.id"), nullable=False
        ),
        sa.Column("siren", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("from_plan", sa.Text, nullable=False),
        sa.Column("to_plan", sa.Text, nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paid_on", sa.Date),
        sa.Column("invoice_id", sa.Uuid),
    )
    op.create_index("ix_plan_upgrades_membership_id", "plan_upgrades", ["membership_id"])
    # At most one upgrade in progress or done per membership (M10).
    op.create_index(
        "uq_plan_upgrades_live",
        "plan_upgrades",
        ["membership_id"],
        unique=True,
        postgresql_where=sa.text("state <> 'cancelled'"),
    )
    tariffs = op.create_table(
        "tariffs",
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("simple", sa.Numeric(12, 2), nullable=False),
        sa.Column("premium", sa.Numeric(12, 2), nullable=False),
        sa.Column("upgrade", sa.Numeric(12, 2), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
        sa.Column("updated_by", sa.Text),
    )
    assert tariffs is not None
    op.bulk_insert(
        tariffs,
        [
            {
                "year": year,
                "simple": Decimal("100.00"),
                "premium": Decimal("150.00"),
                "upgrade": Decimal("50.00"),
                "updated_by": "migration 0002",
            }
            for year in (2025, 2026)
        ],
    )
    op.create_table(
        "renewal_campaigns",
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_by", sa.Text, nullable=False),
    )
    op.create_table(
        "dues_calls",
        sa.Column(
            "year", sa.Integer, sa.ForeignKey("renewal_campaigns.year"), primary_key=True
        ),
        sa.Column("siren", sa.Text, sa.ForeignKey("structures.siren"), primary_key=True),
        sa.Column("siret", sa.Text, nullable=False),
        sa.Column("legal_name", sa.Text, nullable=False),
        sa.Column("email", sa.Text),
        sa.Column("plan", sa.Text, nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("called_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "dues_calls",
        "renewal_campaigns",
        "tariffs",
        "plan_upgrades",
        "memberships",
        "applications",
        "establishments",
        "structures",
    ):
        op.drop_table(table)
