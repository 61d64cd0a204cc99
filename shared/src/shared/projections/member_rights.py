"""The member-rights projection: what a service keeps of membership's events to decide alone.

Training (T2) and booking (B2, B3, B6, B4) decide from their own database, while membership is
down. A service registers the projection's handlers on its consumers, with hooks for what it
does next in the same transaction (T9, B9 cancel on ``MembershipLapsed``)::

    register_member_rights(consumers, hooks={MembershipLapsed: cancel_future_places})

and reads a structure's status with :class:`MemberRights` on its unit of work's connection.

Order-independent: each group of facts keeps the ``aggregate_version`` of the event that wrote
it (activation; lapse and reinstatement; an establishment; a certificate), and an older event
never overwrites a newer one. Repeated deliveries are dropped by the kit's inbox.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from typing import Any, TypeVar

import asyncpg
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts import (
    BeneficiaryAdded,
    BeneficiaryRemoved,
    Envelope,
    MembershipActivated,
    MembershipLapsed,
    MembershipReinstated,
    QualiopiCertificationChanged,
)
from shared.contracts.base import Event
from shared.messaging.consumers import EventConsumers
from shared.projections.member_rights_tables import member_rights_tables
from shared.projections.member_status import MembershipPeriod, MemberStatus, status_on
from shared.unit_of_work import UnitOfWork

U = TypeVar("U", bound=UnitOfWork)
Hook = Callable[[Any, Envelope, U], Awaitable[None]]

_metadata = sa.MetaData()
periods, establishments, certifications = member_rights_tables(_metadata)

MEMBER_RIGHTS_EVENTS: tuple[type[Event], ...] = (
    MembershipActivated,
    MembershipLapsed,
    MembershipReinstated,
    BeneficiaryAdded,
    BeneficiaryRemoved,
    QualiopiCertificationChanged,
)


def _upsert(table: str, key: str, facts: tuple[str, ...], version: str, *given: str) -> str:
    """``INSERT ... ON CONFLICT (key) DO UPDATE`` of ``facts``, guarded by ``version``: the
    incoming fact wins when it is newer than the stored one (or either is unversioned).

    Written once as SQL on the driver: these run for every membership event a service consumes,
    and a Core statement built per event costs more than the rest of the delivery."""
    columns = (*given, *facts)
    values = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
    updates = ", ".join(f"{c} = excluded.{c}" for c in facts)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values}) "
        f"ON CONFLICT ({key}) DO UPDATE SET {updates} "
        f"WHERE {table}.{version} IS NULL OR excluded.{version} IS NULL "
        f"OR {table}.{version} < excluded.{version}"
    )


_ACTIVATED = _upsert(
    periods.name,
    "membership_id",
    ("plan", "valid_from", "valid_until", "grace_until", "training_organisation",
     "activated_version"),
    "activated_version",
    "membership_id", "siren", "year",
)  # fmt: skip
_STATUS = _upsert(
    periods.name,
    "membership_id",
    ("lapsed_on", "reinstated_until", "status_version"),
    "status_version",
    "membership_id", "siren", "year",
)  # fmt: skip
_ESTABLISHMENT_ADDED = _upsert(
    establishments.name, "siret", ("declared", "version", "name"), "version", "siret", "siren"
)
_ESTABLISHMENT_REMOVED = _upsert(
    establishments.name, "siret", ("declared", "version"), "version", "siret", "siren"
)
_CERTIFICATION = _upsert(
    certifications.name,
    "siren",
    ("certificate_number", "valid_until", "version"),
    "version",
    "siren",
)
#: The snapshots a ``MembershipActivated`` carries: kept unless a versioned fact said otherwise.
_SNAPSHOT_ESTABLISHMENTS = (
    f"INSERT INTO {establishments.name} (siret, siren, declared, version) "
    "SELECT siret, $2, true, NULL FROM unnest($1::text[]) AS siret ON CONFLICT DO NOTHING"
)
_SNAPSHOT_CERTIFICATION = (
    f"INSERT INTO {certifications.name} (siren, valid_until, version) VALUES ($1, $2, NULL) "
    "ON CONFLICT DO NOTHING"
)


async def _apply_activated(
    driver: asyncpg.Connection, e: MembershipActivated, version: int | None
) -> None:
    await driver.execute(
        _ACTIVATED,
        e.membership_id,
        e.siren,
        e.year,
        e.plan,
        e.valid_from,
        e.valid_until,
        e.grace_until,
        e.training_organisation,
        version,
    )
    if e.beneficiary_sirets:
        await driver.execute(_SNAPSHOT_ESTABLISHMENTS, list(e.beneficiary_sirets), e.siren)
    if e.qualiopi_valid_until is not None:
        await driver.execute(_SNAPSHOT_CERTIFICATION, e.siren, e.qualiopi_valid_until)


async def _apply_status(
    driver: asyncpg.Connection,
    e: MembershipLapsed | MembershipReinstated,
    version: int | None,
) -> None:
    if isinstance(e, MembershipLapsed):
        lapsed_on, reinstated_until = e.lapsed_on, None
    else:
        lapsed_on, reinstated_until = None, e.grace_until
    await driver.execute(
        _STATUS, e.membership_id, e.siren, e.year, lapsed_on, reinstated_until, version
    )


async def _apply_establishment(
    driver: asyncpg.Connection, e: BeneficiaryAdded | BeneficiaryRemoved, version: int | None
) -> None:
    if isinstance(e, BeneficiaryAdded):
        await driver.execute(_ESTABLISHMENT_ADDED, e.siret, e.siren, True, version, e.name)
    else:
        await driver.execute(_ESTABLISHMENT_REMOVED, e.siret, e.siren, False, version)


async def _apply_certification(
    driver: asyncpg.Connection, e: QualiopiCertificationChanged, version: int | None
) -> None:
    await driver.execute(_CERTIFICATION, e.siren, e.certificate_number, e.valid_until, version)


async def apply_member_fact(driver: asyncpg.Connection, event: Event, envelope: Envelope) -> None:
    """Fold one membership event into the projection (in the caller's transaction, on its
    unit of work's ``driver``)."""
    version = envelope.aggregate_version
    if isinstance(event, MembershipActivated):
        await _apply_activated(driver, event, version)
    elif isinstance(event, MembershipLapsed | MembershipReinstated):
        await _apply_status(driver, event, version)
    elif isinstance(event, BeneficiaryAdded | BeneficiaryRemoved):
        await _apply_establishment(driver, event, version)
    elif isinstance(event, QualiopiCertificationChanged):
        await _apply_certification(driver, event, version)
    else:
        raise TypeError(f"not a member-rights event: {event.event_type}")


def register_member_rights(
    consumers: EventConsumers[U], hooks: Mapping[type[Event], Hook[U]] | None = None
) -> None:
    """One handler per membership event the projection needs; a hook runs after the fact is
    folded in, in the same transaction, so it reads the projection as the event left it."""
    hooks = hooks or {}
    for model in MEMBER_RIGHTS_EVENTS:
        consumers.on(model)(_handler(model, hooks.get(model)))


def _handler(model: type[Event], hook: Hook[U] | None) -> Callable[[Any, Envelope, U], Any]:
    async def handle(event: Any, envelope: Envelope, uow: U) -> None:
        await apply_member_fact(uow.driver, event, envelope)
        if hook is not None:
            await hook(event, envelope, uow)

    handle.__doc__ = f"Member rights: fold {model.event_type} into the local projection" + (
        f", then {(hook.__doc__ or hook.__name__).strip()}" if hook is not None else "."
    )
    handle.__name__ = f"on_{model.event_type}"
    return handle


class MemberRights:
    """Reads the projection on a unit of work's connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def periods(self, siren: str) -> list[MembershipPeriod]:
        rows = await self._connection.execute(
            sa.select(
                periods.c.membership_id,
                periods.c.siren,
                periods.c.year,
                periods.c.plan,
                periods.c.valid_from,
                periods.c.valid_until,
                periods.c.grace_until,
                periods.c.training_organisation,
                periods.c.lapsed_on,
                periods.c.reinstated_until,
            ).where(periods.c.siren == siren)
        )
        return [MembershipPeriod(**row._mapping) for row in rows]

    async def qualiopi_valid_until(self, siren: str) -> date | None:
        return await self._connection.scalar(
            sa.select(certifications.c.valid_until).where(certifications.c.siren == siren)
        )

    async def status_on(self, siren: str, day: date) -> MemberStatus:
        """The structure's status on ``day`` (T2, B2...): member, plan, grace, Qualiopi."""
        return status_on(
            siren, day, await self.periods(siren), await self.qualiopi_valid_until(siren)
        )

    async def establishment_has_rights(self, siret: str) -> bool:
        """M7: an establishment shares its structure's rights (its SIREN is the SIRET's first
        nine digits) unless it was declared and then removed as a beneficiary."""
        declared = await self._connection.scalar(
            sa.select(establishments.c.declared).where(establishments.c.siret == siret)
        )
        return declared is not False
