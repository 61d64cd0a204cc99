"""The training service's tables (SQLAlchemy Core); the schema changes only by migration."""

from shared.db import new_metadata
from shared.messaging.tables import aggregate_versions_table, inbox_table, outbox_table

metadata = new_metadata()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
aggregate_versions = aggregate_versions_table(metadata)
