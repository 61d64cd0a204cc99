"""The table definitions and the migrations describe one schema; B5 is the database's."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from booking.tables import metadata
from shared.testing.helpers import schema_drift

pytestmark = pytest.mark.integration


async def test_b5_tables_match_the_migrations_and_declare_the_exclusion_constraint(
    runtime,
) -> None:
    assert await schema_drift(runtime.engine, metadata) == []
    async with runtime.engine.connect() as connection:
        definition = await connection.scalar(
            text(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conname = 'ex_bookings_no_overlap'"
            )
        )
        extension = await connection.scalar(
            text("SELECT extname FROM pg_extension WHERE extname = 'btree_gist'")
        )
    assert extension == "btree_gist"
    assert definition is not None
    assert "EXCLUDE USING gist (resource_id WITH =, during WITH &&)" in definition
    assert "WHERE ((status = 'active'::text))" in definition


async def test_b2_b3_the_terms_of_2025_and_2026_are_seeded(runtime) -> None:
    async with runtime.uow() as uow:
        policies = {p.year: p for p in await uow.policies.all()}
        hours = await uow.calendar.opening_hours()
    assert {2025, 2026} <= set(policies)
    assert str(policies[2026].auditorium_price) == "250.00"
    assert policies[2026].room_credits == 5
    assert sorted(hours) == [1, 2, 3, 4, 5]
