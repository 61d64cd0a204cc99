"""The table definitions and the migrations describe the same schema."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time
from uuid import uuid4

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from membership.tables import assemblies, assembly_records, metadata
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


async def test_m11_tables_declare_one_active_proxy_a_giver_and_one_badge_a_recipient(
    runtime,
) -> None:
    names = {i.name for t in metadata.tables.values() for i in t.indexes if i.unique}
    assert {
        "uq_assembly_proxies_active_giver",
        "uq_badge_awards_active",
        "uq_badge_awards_member_of_the_year",
    } <= names
    async with runtime.engine.connect() as connection:
        rows = await connection.execute(
            sa.text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
                "('uq_assembly_proxies_active_giver', 'uq_badge_awards_active')"
            )
        )
        definitions = {name: definition for name, definition in rows}
    assert "WHERE (status = 'active'::text)" in definitions["uq_assembly_proxies_active_giver"]
    assert "WHERE (revoked_at IS NULL)" in definitions["uq_badge_awards_active"]


async def test_m11_a_closed_assemblys_records_are_insert_only(runtime) -> None:
    assembly_id = uuid4()
    content = b"SIREN;Structure\r\n"
    now = datetime(2026, 6, 12, 18, 0, tzinfo=UTC)
    async with runtime.engine.connect() as connection:
        await connection.execute(
            sa.insert(assemblies).values(
                id=assembly_id,
                title="AG",
                held_on=date(2026, 6, 12),
                starts_at=time(14, 0),
                address="Pessac",
                agenda=["Rapport moral"],
                document_ids=[],
                second_convocation=False,
                state="closed",
                convened_on=date(2026, 5, 1),
                convened_at=now,
                convened_by="staff",
            )
        )
        await connection.execute(
            sa.insert(assembly_records).values(
                assembly_id=assembly_id,
                record="attendance",
                format="csv",
                filename="ag.csv",
                media_type="text/csv",
                content=content,
                sha256=hashlib.sha256(content).hexdigest(),
                frozen_at=now,
            )
        )
        key = assembly_records.c.assembly_id == assembly_id
        for statement in (
            sa.update(assembly_records).where(key).values(content=b"forged"),
            sa.delete(assembly_records).where(key),
        ):
            with pytest.raises(DBAPIError, match="frozen"):
                await connection.execute(statement)
        stored = await connection.execute(sa.select(assembly_records.c.content).where(key))
        assert stored.scalar_one() == content
