"""The table definitions and the migrations describe the same schema."""

from __future__ import annotations

import pytest

from billing.service import BillingRuntime
from billing.tables import metadata
from shared.testing.helpers import schema_drift

pytestmark = pytest.mark.integration


async def test_f1_f2_tables_declare_the_constraints_and_indexes_the_migrations_create(
    billing: BillingRuntime,
) -> None:
    assert await schema_drift(billing.engine, metadata) == []
    constraints = {c.name for t in metadata.tables.values() for c in t.constraints}
    assert {"uq_invoices_series_year_sequence", "uq_invoices_kind_subject"} <= constraints
