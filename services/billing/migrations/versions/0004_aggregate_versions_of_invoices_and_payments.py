"""Versions of the invoice and payment aggregates, carried by their events as aggregate_version.

Invoices and payments themselves never change (F2 trigger); what changes after issue lives in
their state rows, so the version does too: ``invoice_state.version`` advances with each
allocation, credit note, paid and overdue mark, ``payment_state.version`` with each allocation.
Existing rows start at 1 (their past events carried no version).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "invoice_state",
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
    )
    op.create_check_constraint("version_positive", "invoice_state", "version >= 1")
    op.create_table(
        "payment_state",
        sa.Column("payment_id", UUID(as_uuid=True), sa.ForeignKey("payments.id"), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
        sa.CheckConstraint("version >= 1", name="version_positive"),
    )
    op.execute("INSERT INTO payment_state (payment_id) SELECT id FROM payments")


def downgrade() -> None:
    op.drop_table("payment_state")
    op.drop_constraint("version_positive", "invoice_state", type_="check")
    op.drop_column("invoice_state", "version")
