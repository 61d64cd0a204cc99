"""Auditorium dates as billing knows them from booking's events (B3, F1, F6).

One row per booking: what ``AuditoriumBooked`` said (date, price), what ``BookingCancelled``
said (when, why), and the invoice and credit note billing issued for it. Whichever event
arrives first, the row ends the same: the writes merge.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "auditorium_bookings",
        sa.Column("booking_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("siren", sa.Text, nullable=False),
        sa.Column("resource_id", UUID(as_uuid=True), nullable=False),
        sa.Column("resource_name", sa.Text, nullable=False),
        sa.Column("booked_on", sa.Date, nullable=False),
        sa.Column("starts_at", sa.Time, nullable=False),
        sa.Column("ends_at", sa.Time, nullable=False),
        #: From ``AuditoriumBooked``: null while only the cancellation is known.
        sa.Column("amount", sa.Numeric(12, 2)),
        sa.Column("booked_at", TS),
        sa.Column("cancelled_at", TS),
        sa.Column("cancel_reason", sa.Text),
        sa.Column("invoice_id", UUID(as_uuid=True), sa.ForeignKey("invoices.id")),
        sa.Column("credit_note_id", UUID(as_uuid=True), sa.ForeignKey("credit_notes.id")),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_auditorium_bookings_siren", "auditorium_bookings", ["siren"])
    op.create_index("ix_auditorium_bookings_booked_on", "auditorium_bookings", ["booked_on"])


def downgrade() -> None:
    op.drop_table("auditorium_bookings")
