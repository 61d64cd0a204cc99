"""The exchange service's tables (SQLAlchemy Core); the schema changes only by migration.

Beside the kit's outbox, inbox and version guards, the one projection a partner event needs
that no internal event carries: how full each training session is.
"""

import sqlalchemy as sa

from shared.db import new_metadata
from shared.messaging.tables import aggregate_versions_table, inbox_table, outbox_table

metadata = new_metadata()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
aggregate_versions = aggregate_versions_table(metadata)

ENROLLMENT_STATES = ("place", "waiting", "ended")

#: A training session as partners see it: its places (once scheduled), the counts last
#: published, and the version of its partner events (one sequence per session).
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("capacity", sa.Integer),
    sa.Column("places_taken", sa.Integer, nullable=False, server_default="0"),
    sa.Column("waiting", sa.Integer, nullable=False, server_default="0"),
    sa.Column("version", sa.BigInteger, nullable=False, server_default="0"),
)

#: Each enrollment's state as its newest event left it (the kit's version guard drops older).
enrollments = sa.Table(
    "enrollments",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("session_id", sa.Uuid, nullable=False),
    sa.Column("state", sa.Text, nullable=False),
    sa.CheckConstraint(f"state IN ({', '.join(repr(s) for s in ENROLLMENT_STATES)})", name="state"),
)
sa.Index("ix_enrollments_session_id", enrollments.c.session_id)
