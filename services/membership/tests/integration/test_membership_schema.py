"""The table definitions and the migrations describe the same schema."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from membership.tables import metadata

pytestmark = pytest.mark.integration

#: Owned by the shared messaging tables, not by this service's definitions.
SHARED_TABLES = {"outbox", "inbox"}


def _table_of(diff: tuple) -> str | None:
    for item in diff[1:]:
        table = getattr(item, "table", None)
        if table is not None:
            return str(table.name)
        if isinstance(item, str):
            return item
    return None


async def test_m3_m10_tables_declare_the_partial_indexes_the_migrations_create(runtime) -> None:
    async with runtime.engine.connect() as connection:
        diffs = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), metadata)
        )
    ours = [d for d in diffs if _table_of(d) not in SHARED_TABLES]
    assert ours == []
    names = {i.name for t in metadata.tables.values() for i in t.indexes}
    assert {
        "uq_applications_siren_year_live",
        "ix_applications_pending",
        "ix_memberships_active_year",
        "uq_plan_upgrades_live",
    } <= names
