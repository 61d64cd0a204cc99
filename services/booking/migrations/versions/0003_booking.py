"""Resources, calendar, yearly terms, bookings with B5's exclusion constraint, quotas, and the
member-rights projection.

Seeds the opening hours (Monday to Friday, 8:30-18:00) and the terms of 2025 and 2026: five
room bookings, the auditorium at 250 €, three studio slots per participant, a pattern of three
weeks (B2, B3, B4, B6).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""
from collections.abc import Sequence
from datetime import time
from decimal import Decimal

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, TSRANGE, ExcludeConstraint

from shared.projections.member_rights_tables import (
    create_member_rights_tables,
    drop_member_rights_tables,
)

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_now = sa.func.now()


def _version() -> sa.Column:
    return sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1"))


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    create_member_rights_tables()
    op.create_table(
        "resources",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("equipment", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("requires_qualiopi", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("description", sa.Text),
        _version(),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
        sa.PrimaryKeyConstraint("id", name="pk_resources"),
        sa.UniqueConstraint("name", name="uq_resources_name"),
        sa.CheckConstraint(
            "kind IN ('meeting_room', 'auditorium', 'lab_studio')", name="ck_resources_kind"
        ),
        sa.CheckConstraint("capacity > 0", name="ck_resources_capacity"),
    )
    opening_hours = op.create_table(
        "opening_hours",
        sa.Column("weekday", sa.SmallInteger, autoincrement=False),
        sa.Column("opens_at", sa.Time, nullable=False),
        sa.Column("closes_at", sa.Time, nullable=False),
        sa.PrimaryKeyConstraint("weekday", name="pk_opening_hours"),
        sa.CheckConstraint("weekday BETWEEN 1 AND 5", name="ck_opening_hours_weekday"),
        sa.CheckConstraint("opens_at < closes_at", name="ck_opening_hours_hours"),
    )
    op.create_table(
        "closures",
        sa.Column("id", sa.Uuid),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("resource_id", sa.Uuid),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
        sa.PrimaryKeyConstraint("id", name="pk_closures"),
        sa.ForeignKeyConstraint(
            ["resource_id"], ["resources.id"], name="fk_closures_resource_id_resources"
        ),
        sa.CheckConstraint("starts_on <= ends_on", name="ck_closures_dates"),
    )
    op.create_index("ix_closures_ends_on", "closures", ["ends_on"])
    policies = op.create_table(
        "booking_policies",
        sa.Column("year", sa.Integer, autoincrement=False),
        sa.Column("room_credits", sa.Integer, nullable=False),
        sa.Column("auditorium_price", sa.Numeric(12, 2), nullable=False),
        sa.Column("studio_slots_per_participant", sa.Integer, nullable=False),
        sa.Column("pattern_weeks", sa.Integer, nullable=False),
        sa.Column("updated_by", sa.Text),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
        sa.PrimaryKeyConstraint("year", name="pk_booking_policies"),
    )
    op.create_table(
        "bookings",
        sa.Column("id", sa.Uuid),
        sa.Column("siren", sa.Text, nullable=False),
        sa.Column("resource_id", sa.Uuid, nullable=False),
        sa.Column("resource_kind", sa.Text, nullable=False),
        sa.Column("resource_name", sa.Text, nullable=False),
        sa.Column("booked_on", sa.Date, nullable=False),
        sa.Column("starts_at", sa.Time, nullable=False),
        sa.Column("ends_at", sa.Time, nullable=False),
        sa.Column(
            "during",
            TSRANGE,
            sa.Computed(
                "tsrange(booked_on + starts_at, booked_on + ends_at, '[)')", persisted=True
            ),
            nullable=False,
        ),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("purpose_category", sa.Text, nullable=False),
        sa.Column("attendance", sa.Integer, nullable=False),
        sa.Column("parking_passes", sa.Integer, nullable=False),
        sa.Column("participant_email", sa.Text),
        sa.Column("amount", sa.Numeric(12, 2)),
        sa.Column("status", sa.Text, nullable=False, server_default="active"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True)),
        sa.Column("cancel_reason", sa.Text),
        sa.Column("credit_returned", sa.Boolean),
        _version(),
        sa.PrimaryKeyConstraint("id", name="pk_bookings"),
        sa.ForeignKeyConstraint(
            ["resource_id"], ["resources.id"], name="fk_bookings_resource_id_resources"
        ),
        sa.CheckConstraint("status IN ('active', 'cancelled')", name="ck_bookings_status"),
        sa.CheckConstraint("starts_at < ends_at", name="ck_bookings_times"),
        # B5: no two active bookings of one resource overlap, whatever the concurrency.
        ExcludeConstraint(
            ("resource_id", "="),
            ("during", "&&"),
            name="ex_bookings_no_overlap",
            using="gist",
            where=sa.text("status = 'active'"),
        ),
    )
    op.create_index("ix_bookings_siren_booked_on", "bookings", ["siren", "booked_on"])
    op.create_index("ix_bookings_resource_booked_on", "bookings", ["resource_id", "booked_on"])
    for name in ("room_credits", "studio_slots"):
        key = "siren" if name == "room_credits" else "participant_email"
        op.create_table(
            name,
            sa.Column(key, sa.Text),
            sa.Column("year", sa.Integer, autoincrement=False),
            sa.Column("used", sa.Integer, nullable=False, server_default=sa.text("0")),
            _version(),
            sa.PrimaryKeyConstraint(key, "year", name=f"pk_{name}"),
            sa.CheckConstraint("used >= 0", name=f"ck_{name}_used"),
        )

    op.bulk_insert(
        opening_hours,
        [{"weekday": d, "opens_at": time(8, 30), "closes_at": time(18, 0)} for d in range(1, 6)],
    )
    op.bulk_insert(
        policies,
        [
            {
                "year": year,
                "room_credits": 5,
                "auditorium_price": Decimal("250.00"),
                "studio_slots_per_participant": 3,
                "pattern_weeks": 3,
                "updated_by": "migration",
            }
            for year in (2025, 2026)
        ],
    )


def downgrade() -> None:
    for table in (
        "studio_slots",
        "room_credits",
        "bookings",
        "booking_policies",
        "closures",
        "opening_hours",
        "resources",
    ):
        op.drop_table(table)
    drop_member_rights_tables()
