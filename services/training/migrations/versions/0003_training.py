"""Training: member-rights projection, yearly policies, actions, sessions, enrollments.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.projections.member_rights_tables import (
    create_member_rights_tables,
    drop_member_rights_tables,
)

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTION_TYPES = "type IN ('training', 'self_training', 'innovation_lab')"


def upgrade() -> None:
    create_member_rights_tables()
    policies = op.create_table(
        "year_policies",
        sa.Column("year", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("max_actions", sa.Integer, nullable=False),
        sa.Column("max_trainings", sa.Integer, nullable=False),
        sa.Column("registration_closes_days", sa.Integer, nullable=False),
        sa.Column("late_withdrawal_days", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, server_default="1", nullable=False),
        sa.CheckConstraint(
            "max_trainings <= max_actions",
            name="ck_year_policies_trainings_within_actions",
        ),
        sa.PrimaryKeyConstraint("year", name="pk_year_policies"),
    )
    # the charter's values for 2025, kept for 2026 until staff change them
    op.bulk_insert(
        policies,
        [
            {
                "year": year,
                "max_actions": 4,
                "max_trainings": 3,
                "registration_closes_days": 15,
                "late_withdrawal_days": 10,
                "version": 1,
            }
            for year in (2025, 2026)
        ],
    )
    op.create_table(
        "actions",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("duration_days", sa.Integer),
        sa.Column("remote", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, server_default="1", nullable=False),
        sa.CheckConstraint(ACTION_TYPES, name="ck_actions_type"),
        sa.PrimaryKeyConstraint("id", name="pk_actions"),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("action_id", sa.Uuid, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("place", sa.Text),
        sa.Column("department", sa.Text),
        sa.Column("registration_opens_on", sa.Date, nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True)),
        sa.Column("cancel_reason", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, server_default="1", nullable=False),
        sa.CheckConstraint("capacity > 0", name="ck_sessions_capacity"),
        sa.CheckConstraint("ends_on >= starts_on", name="ck_sessions_dates"),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name="fk_sessions_action_id_actions"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
    )
    op.create_index("ix_sessions_starts_on", "sessions", ["starts_on"])
    op.create_index("ix_sessions_action_id", "sessions", ["action_id"])
    op.execute("CREATE SEQUENCE enrollment_queue_seq")
    op.create_table(
        "enrollments",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("session_id", sa.Uuid, nullable=False),
        sa.Column("action_id", sa.Uuid, nullable=False),
        sa.Column("action_type", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("siren", sa.Text, nullable=False),
        sa.Column("siret", sa.Text, nullable=False),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("first_name", sa.Text, nullable=False),
        sa.Column("last_name", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("queue_seq", sa.BigInteger),
        sa.Column("waiting_reason", sa.Text),
        sa.Column("attendance", sa.Text),
        sa.Column("counted", sa.Boolean, nullable=False),
        sa.Column("end_reason", sa.Text),
        sa.Column("by_staff", sa.Boolean, nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, server_default="1", nullable=False),
        sa.CheckConstraint(
            "status IN ('confirmed', 'waiting', 'withdrawn', 'cancelled')",
            name="ck_enrollments_status",
        ),
        sa.CheckConstraint(
            "action_type IN ('training', 'self_training', 'innovation_lab')",
            name="ck_enrollments_action_type",
        ),
        sa.CheckConstraint(
            "attendance IS NULL OR (status = 'confirmed' AND attendance IN "
            "('present', 'absent_justified', 'absent_unjustified'))",
            name="ck_enrollments_attendance",
        ),
        sa.CheckConstraint(
            "status <> 'waiting' OR queue_seq IS NOT NULL", name="ck_enrollments_queued"
        ),
        sa.CheckConstraint(
            "NOT counted OR status IN ('confirmed', 'withdrawn')", name="ck_enrollments_counted"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name="fk_enrollments_session_id_sessions"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_enrollments"),
    )
    op.create_index(
        "uq_enrollments_one_per_action",
        "enrollments",
        ["action_id", "email"],
        unique=True,
        postgresql_where=sa.text("status IN ('confirmed', 'waiting')"),
    )
    op.create_index(
        "ix_enrollments_session_status", "enrollments", ["session_id", "status"]
    )
    op.create_index("ix_enrollments_email_year", "enrollments", ["email", "year"])
    op.create_index("ix_enrollments_siren", "enrollments", ["siren"])
    op.create_table(
        "employee_years",
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("email", "year", name="pk_employee_years"),
    )


def downgrade() -> None:
    for table in ("employee_years", "enrollments", "sessions", "actions", "year_policies"):
        op.drop_table(table)
    op.execute("DROP SEQUENCE enrollment_queue_seq")
    drop_member_rights_tables()
