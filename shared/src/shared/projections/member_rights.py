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

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
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


def _newer(table: sa.Table, column: str) -> sa.ColumnElement[bool]:
    """The upsert's guard: the incoming fact is newer than the stored one (or unversioned)."""
    stored = table.c[column]
    incoming: sa.ColumnElement[Any] = sa.literal_column(f"excluded.{column}")
    return sa.or_(stored.is_(None), incoming.is_(None), stored < incoming)


async def _apply_activated(c: AsyncConnection, e: MembershipActivated, version: int | None) -> None:
    facts = {
        "plan": e.plan,
        "valid_from": e.valid_from,
        "valid_until": e.valid_until,
        "grace_until": e.grace_until,
        "training_organisation": e.training_organisation,
        "activated_version": version,
    }
    statement = insert(periods).values(
        membership_id=e.membership_id, siren=e.siren, year=e.year, **facts
    )
    await c.execute(
        statement.on_conflict_do_update(
            index_elements=[periods.c.membership_id],
            set_={k: statement.excluded[k] for k in facts},
            where=_newer(periods, "activated_version"),
        )
    )
    # the snapshot the event carries: kept unless a versioned fact already said otherwise
    if e.beneficiary_sirets:
        await c.execute(
            insert(establishments)
            .values(
                [
                    {"siret": s, "siren": e.siren, "declared": True, "version": None}
                    for s in e.beneficiary_sirets
                ]
            )
            .on_conflict_do_nothing()
        )
    if e.qualiopi_valid_until is not None:
        await c.execute(
            insert(certifications)
            .values(siren=e.siren, valid_until=e.qualiopi_valid_until, version=None)
            .on_conflict_do_nothing()
        )


async def _apply_status(
    c: AsyncConnection,
    e: MembershipLapsed | MembershipReinstated,
    version: int | None,
) -> None:
    if isinstance(e, MembershipLapsed):
        facts: dict[str, Any] = {"lapsed_on": e.lapsed_on, "reinstated_until": None}
    else:
        facts = {"lapsed_on": None, "reinstated_until": e.grace_until}
    facts["status_version"] = version
    statement = insert(periods).values(
        membership_id=e.membership_id, siren=e.siren, year=e.year, **facts
    )
    await c.execute(
        statement.on_conflict_do_update(
            index_elements=[periods.c.membership_id],
            set_={k: statement.excluded[k] for k in facts},
            where=_newer(periods, "status_version"),
        )
    )


async def _apply_establishment(
    c: AsyncConnection, e: BeneficiaryAdded | BeneficiaryRemoved, version: int | None
) -> None:
    facts: dict[str, Any] = {"declared": isinstance(e, BeneficiaryAdded), "version": version}
    if isinstance(e, BeneficiaryAdded):
        facts["name"] = e.name
    statement = insert(establishments).values(siret=e.siret, siren=e.siren, **facts)
    await c.execute(
        statement.on_conflict_do_update(
            index_elements=[establishments.c.siret],
            set_={k: statement.excluded[k] for k in facts},
            where=_newer(establishments, "version"),
        )
    )


async def _apply_certification(
    c: AsyncConnection, e: QualiopiCertificationChanged, version: int | None
) -> None:
    facts = {
        "certificate_number": e.certificate_number,
        "valid_until": e.valid_until,
        "version": version,
    }
    statement = insert(certifications).values(siren=e.siren, **facts)
    await c.execute(
        statement.on_conflict_do_update(
            index_elements=[certifications.c.siren],
            set_={k: statement.excluded[k] for k in facts},
            where=_newer(certifications, "version"),
        )
    )


async def apply_member_fact(connection: AsyncConnection, event: Event, envelope: Envelope) -> None:
    """Fold one membership event into the projection (in the caller's transaction)."""
    version = envelope.aggregate_version
    if isinstance(event, MembershipActivated):
        await _apply_activated(connection, event, version)
    elif isinstance(event, MembershipLapsed | MembershipReinstated):
        await _apply_status(connection, event, version)
    elif isinstance(event, BeneficiaryAdded | BeneficiaryRemoved):
        await _apply_establishment(connection, event, version)
    elif isinstance(event, QualiopiCertificationChanged):
        await _apply_certification(connection, event, version)
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
        await apply_member_fact(uow.connection, event, envelope)
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
