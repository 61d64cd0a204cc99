"""The training service's tables (SQLAlchemy Core); the schema changes only by migration."""

import sqlalchemy as sa

from shared.db import new_metadata
from shared.messaging.tables import aggregate_versions_table, inbox_table, outbox_table
from shared.projections.member_rights_tables import member_rights_tables

metadata = new_metadata()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
aggregate_versions = aggregate_versions_table(metadata)
member_periods, member_establishments, member_certifications = member_rights_tables(metadata)

ACTION_TYPES = ("training", "self_training", "innovation_lab")
STATUSES = ("confirmed", "waiting", "withdrawn", "cancelled")
ATTENDANCES = ("present", "absent_justified", "absent_unjustified")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


#: T3: the yearly limits, and the delays of T6 and T7, per calendar year.
year_policies = sa.Table(
    "year_policies",
    metadata,
    sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("max_actions", sa.Integer, nullable=False),
    sa.Column("max_trainings", sa.Integer, nullable=False),
    sa.Column("registration_closes_days", sa.Integer, nullable=False),
    sa.Column("late_withdrawal_days", sa.Integer, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.CheckConstraint("max_trainings <= max_actions", name="trainings_within_actions"),
)

actions = sa.Table(
    "actions",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("type", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("duration_days", sa.Integer),
    sa.Column("remote", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.CheckConstraint(_in("type", ACTION_TYPES), name="type"),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("action_id", sa.Uuid, sa.ForeignKey("actions.id"), nullable=False),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date, nullable=False),
    sa.Column("capacity", sa.Integer, nullable=False),
    sa.Column("place", sa.Text),
    sa.Column("department", sa.Text),
    sa.Column("registration_opens_on", sa.Date, nullable=False),
    sa.Column("cancelled_at", sa.DateTime(timezone=True)),
    sa.Column("cancel_reason", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.CheckConstraint("capacity > 0", name="capacity"),
    sa.CheckConstraint("ends_on >= starts_on", name="dates"),
)
sa.Index("ix_sessions_starts_on", sessions.c.starts_on)
sa.Index("ix_sessions_action_id", sessions.c.action_id)

#: The waiting list's order: a number drawn under the session's lock when an entry is queued.
queue_seq = sa.Sequence("enrollment_queue_seq", metadata=metadata)

enrollments = sa.Table(
    "enrollments",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("session_id", sa.Uuid, sa.ForeignKey("sessions.id"), nullable=False),
    # copied from the session and its action (a session's dates never change): T3, T10 and
    # the events read them without a join
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
    #: T3: whether it counts toward the employee's yearly limits now.
    sa.Column("counted", sa.Boolean, nullable=False),
    sa.Column("end_reason", sa.Text),
    sa.Column("by_staff", sa.Boolean, nullable=False),
    sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.CheckConstraint(_in("status", STATUSES), name="status"),
    sa.CheckConstraint(_in("action_type", ACTION_TYPES), name="action_type"),
    sa.CheckConstraint(
        f"attendance IS NULL OR (status = 'confirmed' AND {_in('attendance', ATTENDANCES)})",
        name="attendance",
    ),
    sa.CheckConstraint("status <> 'waiting' OR queue_seq IS NOT NULL", name="queued"),
    sa.CheckConstraint("NOT counted OR status IN ('confirmed', 'withdrawn')", name="counted"),
)
#: T10: one place or waiting entry per person and action, whatever the concurrency.
sa.Index(
    "uq_enrollments_one_per_action",
    enrollments.c.action_id,
    enrollments.c.email,
    unique=True,
    postgresql_where=sa.text("status IN ('confirmed', 'waiting')"),
)
sa.Index("ix_enrollments_session_status", enrollments.c.session_id, enrollments.c.status)
sa.Index("ix_enrollments_email_year", enrollments.c.email, enrollments.c.year)
sa.Index("ix_enrollments_siren", enrollments.c.siren)

#: One row per employee and year: the lock that serialises T3 across sessions (taken after
#: the session's, always in that order).
employee_years = sa.Table(
    "employee_years",
    metadata,
    sa.Column("email", sa.Text, primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
)
