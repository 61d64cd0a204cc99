"""Reminders of overdue invoices (F3, F6): each level of the schedule once per invoice.

Each reminder's letter is a frozen document (``document_sources`` of kind ``reminder``, the
reminder's id). Insert-only.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("invoice_id", UUID(as_uuid=True), sa.ForeignKey("invoices.id"), nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("days_after_due", sa.Integer, nullable=False),
        sa.Column("sent_on", sa.Date, nullable=False),
        sa.Column("amount_due", sa.Numeric(12, 2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("invoice_id", "level", name="uq_reminders_invoice_level"),
        sa.CheckConstraint("kind IN ('reminder', 'formal_notice')", name="reminder_kind_known"),
        sa.CheckConstraint("level >= 1", name="level_positive"),
    )
    op.execute(
        "CREATE TRIGGER reminders_immutable BEFORE UPDATE OR DELETE ON reminders "
        "FOR EACH ROW EXECUTE FUNCTION billing_refuse_change()"
    )
    op.execute(
        "CREATE TRIGGER reminders_no_truncate BEFORE TRUNCATE ON reminders "
        "FOR EACH STATEMENT EXECUTE FUNCTION billing_refuse_change()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS reminders_no_truncate ON reminders")
    op.execute("DROP TRIGGER IF EXISTS reminders_immutable ON reminders")
    op.drop_table("reminders")
