"""The booking service's tables (SQLAlchemy Core); the schema changes only by migration."""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, TSRANGE, ExcludeConstraint

from shared.db import new_metadata
from shared.messaging.tables import aggregate_versions_table, inbox_table, outbox_table
from shared.projections.member_rights_tables import member_rights_tables

metadata = new_metadata()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
aggregate_versions = aggregate_versions_table(metadata)
member_periods, member_establishments, member_certifications = member_rights_tables(metadata)

_now = sa.func.now()


def _version() -> sa.Column[int]:
    """The row's version: ``version + 1`` on every change, read back for the events' ref."""
    return sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1"))


resources = sa.Table(
    "resources",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("capacity", sa.Integer, nullable=False),
    sa.Column("equipment", ARRAY(sa.Text), nullable=False, server_default="{}"),
    sa.Column("requires_qualiopi", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("description", sa.Text),
    _version(),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
    sa.CheckConstraint("kind IN ('meeting_room', 'auditorium', 'lab_studio')", name="kind"),
    sa.CheckConstraint("capacity > 0", name="capacity"),
)

#: B8: the hours of each working day (ISO weekday 1-5); a weekday without a row is closed.
opening_hours = sa.Table(
    "opening_hours",
    metadata,
    sa.Column("weekday", sa.SmallInteger, primary_key=True, autoincrement=False),
    sa.Column("opens_at", sa.Time, nullable=False),
    sa.Column("closes_at", sa.Time, nullable=False),
    sa.CheckConstraint("weekday BETWEEN 1 AND 5", name="weekday"),
    sa.CheckConstraint("opens_at < closes_at", name="hours"),
)

#: B8: days the site (resource_id NULL) or one resource is closed, both ends included.
closures = sa.Table(
    "closures",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("resource_id", sa.Uuid, sa.ForeignKey("resources.id")),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
    sa.CheckConstraint("starts_on <= ends_on", name="dates"),
)
sa.Index("ix_closures_ends_on", closures.c.ends_on)

#: The terms of each year (B2, B3, B4, B6): data, set by staff.
booking_policies = sa.Table(
    "booking_policies",
    metadata,
    sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("room_credits", sa.Integer, nullable=False),
    sa.Column("auditorium_price", sa.Numeric(12, 2), nullable=False),
    sa.Column("studio_slots_per_participant", sa.Integer, nullable=False),
    sa.Column("pattern_weeks", sa.Integer, nullable=False),
    sa.Column("updated_by", sa.Text),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
)

bookings = sa.Table(
    "bookings",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("siren", sa.Text, nullable=False),
    sa.Column("resource_id", sa.Uuid, sa.ForeignKey("resources.id"), nullable=False),
    sa.Column("resource_kind", sa.Text, nullable=False),
    sa.Column("resource_name", sa.Text, nullable=False),
    sa.Column("booked_on", sa.Date, nullable=False),
    sa.Column("starts_at", sa.Time, nullable=False),
    sa.Column("ends_at", sa.Time, nullable=False),
    #: The site's wall-clock range of the booking: what B5's exclusion constraint compares.
    sa.Column(
        "during",
        TSRANGE,
        sa.Computed("tsrange(booked_on + starts_at, booked_on + ends_at, '[)')", persisted=True),
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
    sa.CheckConstraint("status IN ('active', 'cancelled')", name="status"),
    sa.CheckConstraint("starts_at < ends_at", name="times"),
    # B5: no two active bookings of one resource overlap, whatever the concurrency.
    ExcludeConstraint(
        ("resource_id", "="),
        ("during", "&&"),
        name="ex_bookings_no_overlap",
        using="gist",
        where=sa.text("status = 'active'"),
    ),
)
sa.Index("ix_bookings_siren_booked_on", bookings.c.siren, bookings.c.booked_on)
sa.Index("ix_bookings_resource_booked_on", bookings.c.resource_id, bookings.c.booked_on)

#: B2: meeting-room credits used per structure and year; the row is the structure's lock for
#: the year: every booking of the structure takes it first (in year order), so concurrent
#: requests are decided one after the other.
room_credits = sa.Table(
    "room_credits",
    metadata,
    sa.Column("siren", sa.Text, primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("used", sa.Integer, nullable=False, server_default=sa.text("0")),
    _version(),
    sa.CheckConstraint("used >= 0", name="used"),
)

#: B6: Lab Studio slots per participant (normalised e-mail) and year; locked after the credits.
studio_slots = sa.Table(
    "studio_slots",
    metadata,
    sa.Column("participant_email", sa.Text, primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("used", sa.Integer, nullable=False, server_default=sa.text("0")),
    _version(),
    sa.CheckConstraint("used >= 0", name="used"),
)

#: The calendar feeds' subscription tokens (X3): one per feed and holder, stored as SHA-256.
feed_tokens = sa.Table(
    "feed_tokens",
    metadata,
    sa.Column("feed", sa.Text, primary_key=True),
    #: The SIREN of a structure's feed, the id of a resource's.
    sa.Column("target", sa.Text, primary_key=True),
    #: ``structure:<SIREN>`` for a member's link, ``staff:<subject>`` for a staff member's.
    sa.Column("holder", sa.Text, primary_key=True),
    sa.Column("token_sha256", sa.LargeBinary, nullable=False, unique=True),
    sa.Column("detailed", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.CheckConstraint("feed IN ('structure', 'resource')", name="feed"),
)
