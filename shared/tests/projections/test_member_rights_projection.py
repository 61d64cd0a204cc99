"""The member-rights projection on the real PostgreSQL: any order of arrival, same rights."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from uuid import uuid4

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.contracts import (
    BeneficiaryAdded,
    BeneficiaryRemoved,
    MembershipActivated,
    MembershipLapsed,
    MembershipReinstated,
    QualiopiCertificationChanged,
)
from shared.contracts.base import Event
from shared.db import create_engine, to_sync_url
from shared.messaging.outbox import AggregateRef, build_envelope
from shared.projections import member_rights
from shared.projections.member_rights import MemberRights, apply_member_fact
from shared.testing import servers
from shared.testing.identifiers import new_siren

pytestmark = pytest.mark.integration
AT = datetime(2026, 3, 1, 9, tzinfo=UTC)
SIREN = "552100554"


@pytest.fixture(scope="module")
async def engine(test_servers: servers.TestServers) -> AsyncIterator[AsyncEngine]:
    name = test_servers.database_name("projection")
    admin = await asyncpg.connect(to_sync_url(test_servers.database_url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    engine = create_engine(test_servers.database_url_for("projection"))
    async with engine.begin() as connection:
        await connection.run_sync(member_rights._metadata.create_all)
    yield engine
    await engine.dispose()
    admin = await asyncpg.connect(to_sync_url(test_servers.database_url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def apply(engine: AsyncEngine, facts: list[tuple[Event, str, int]]) -> None:
    for event, aggregate, version in facts:
        async with engine.connect() as connection:
            envelope = build_envelope(event, aggregate=AggregateRef(aggregate, version))
            driver = (await connection.get_raw_connection()).driver_connection
            await apply_member_fact(driver, event, envelope)


def history(siren: str) -> list[tuple[Event, str, int]]:
    """Activated, lapsed on 1 January, reinstated in the grace; a beneficiary added then removed,
    another added; Qualiopi recorded then renewed."""
    membership = uuid4()
    m = str(membership)
    first, second = f"{siren}00018", f"{siren}00026"
    activated = MembershipActivated(
        membership_id=membership,
        siren=siren,
        year=2026,
        plan="premium",
        valid_from=date(2026, 3, 1),
        valid_until=date(2026, 12, 31),
        grace_until=date(2027, 2, 15),
        beneficiary_sirets=[first],
        training_organisation=True,
        qualiopi_valid_until=date(2026, 6, 30),
        activated_at=AT,
    )
    return [
        (activated, m, 3),
        (
            MembershipLapsed(
                membership_id=membership, siren=siren, year=2026, lapsed_on=date(2027, 1, 1)
            ),
            m,
            4,
        ),
        (
            MembershipReinstated(
                membership_id=membership,
                siren=siren,
                year=2026,
                plan="premium",
                grace_until=date(2027, 2, 15),
                renewal_membership_id=uuid4(),
                reinstated_at=AT,
            ),
            m,
            5,
        ),
        (BeneficiaryAdded(siren=siren, siret=first, name="Antenne", added_at=AT), first, 1),
        (BeneficiaryRemoved(siren=siren, siret=first, removed_at=AT), first, 2),
        (BeneficiaryAdded(siren=siren, siret=second, name="Agence", added_at=AT), second, 1),
        (
            QualiopiCertificationChanged(
                siren=siren, certificate_number="Q-1", valid_until=date(2026, 6, 30), changed_at=AT
            ),
            siren,
            1,
        ),
        (
            QualiopiCertificationChanged(
                siren=siren, certificate_number="Q-2", valid_until=date(2029, 6, 30), changed_at=AT
            ),
            siren,
            2,
        ),
    ]


async def rights_of(engine: AsyncEngine, siren: str) -> tuple[object, ...]:
    async with engine.connect() as connection:
        rights = MemberRights(connection)
        status = await rights.status_on(siren, date(2027, 2, 1))
        return (
            status.member,
            status.premium,
            status.in_grace,
            status.until,
            status.training_organisation,
            status.qualiopi_valid_until,
            await rights.establishment_has_rights(f"{siren}00018"),
            await rights.establishment_has_rights(f"{siren}00026"),
        )


async def test_x2_any_order_of_arrival_gives_the_rights_of_the_newest_facts(
    engine: AsyncEngine,
) -> None:
    in_order = new_siren()
    await apply(engine, history(in_order))
    expected = await rights_of(engine, in_order)
    assert expected == (True, True, True, date(2027, 2, 15), True, date(2029, 6, 30), False, True)
    orders = list(itertools.islice(itertools.permutations(range(8)), 0, None, 997))[:20]
    for order in [*orders, tuple(reversed(range(8)))]:
        siren = new_siren()
        facts = history(siren)
        shuffled = [facts[i] for i in order]
        await apply(engine, shuffled + shuffled[:3])  # some delivered twice
        assert await rights_of(engine, siren) == expected, order


async def test_t9_a_lapse_newer_than_the_reinstatement_ends_the_rights(engine: AsyncEngine) -> None:
    siren = new_siren()
    facts = history(siren)
    membership = facts[0][0].membership_id  # type: ignore[attr-defined]
    late_lapse = MembershipLapsed(
        membership_id=membership,
        siren=siren,
        year=2026,
        lapsed_on=date(2027, 2, 16),
        reason="renewal_unpaid",
    )
    await apply(engine, [(late_lapse, str(membership), 6), *facts])
    async with engine.connect() as connection:
        rights = MemberRights(connection)
        assert (await rights.status_on(siren, date(2027, 2, 15))).member
        assert not (await rights.status_on(siren, date(2027, 2, 16))).member
