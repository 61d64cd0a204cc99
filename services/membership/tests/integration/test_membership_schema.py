"""The table definitions and the migrations describe the same schema."""

from __future__ import annotations

import pytest

from membership.tables import metadata
from shared.testing.helpers import schema_drift

pytestmark = pytest.mark.integration


async def test_m3_m10_tables_declare_the_partial_indexes_the_migrations_create(runtime) -> None:
    assert await schema_drift(runtime.engine, metadata) == []
    names = {i.name for t in metadata.tables.values() for i in t.indexes}
    assert {
        "uq_applications_siren_year_live",
        "ix_applications_pending",
        "ix_memberships_active_year",
        "uq_plan_upgrades_live",
    } <= names
