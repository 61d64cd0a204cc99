"""What billing knows of structures and memberships, from membership's events (F1, F6).

Customers are kept from the customer details of the events that cause an invoice; memberships
from ``MembershipActivated`` and ``MembershipLapsed``. The membership writes are merges that
give the same row whatever order the events arrive in: the activation with the latest
``activated_at`` names the plan and invoice, the latest lapse its date and reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from billing.repositories import fetch_page
from billing.repositories.issuing_sql import UPSERT_CUSTOMERS
from billing.repositories.records import (
    CustomerFilter,
    CustomerRecord,
    Listing,
    MembershipRecord,
)
from billing.tables import customers, memberships
from shared.contracts.membership import CustomerDetails


def _customer(row: Any) -> CustomerRecord:
    return CustomerRecord(
        siren=row.siren,
        siret=row.siret,
        legal_name=row.legal_name,
        address_line=row.address_line,
        postal_code=row.postal_code,
        city=row.city,
        insee_code=row.insee_code,
        public_body=row.public_body,
        email=row.email,
        updated_at=row.updated_at,
        chorus_service_code=row.chorus_service_code,
        chorus_commitment_number=row.chorus_commitment_number,
        chorus_service_code_required=row.chorus_service_code_required,
        chorus_commitment_required=row.chorus_commitment_required,
    )


def _customers_where(query: sa.Select[Any], where: CustomerFilter) -> sa.Select[Any]:
    if where.name is not None:
        escaped = where.name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(customers.c.legal_name.ilike(f"%{escaped}%", escape="\\"))
    if where.siren is not None:
        query = query.where(customers.c.siren == where.siren)
    if where.public_body is not None:
        query = query.where(customers.c.public_body.is_(where.public_body))
    return query


class ProjectionRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    # -- customers ---------------------------------------------------------------------------

    async def upsert_customer(self, details: CustomerDetails, now: datetime) -> CustomerRecord:
        """The customer as membership describes it now; a Chorus Pro reference the event does
        not carry keeps the one known (finance may have recorded it, F8). Returns the row."""
        [record] = await self.upsert_customers([details], now)
        return record

    async def upsert_customers(
        self, details: Sequence[CustomerDetails], now: datetime
    ) -> list[CustomerRecord]:
        """:meth:`upsert_customer` of structures named once each, in one statement; their
        rows in the same order."""
        result = await self.connection.execute(
            UPSERT_CUSTOMERS,
            {
                "siren": [d.siren for d in details],
                "siret": [d.siret for d in details],
                "legal_name": [d.legal_name for d in details],
                "address_line": [d.address_line for d in details],
                "postal_code": [d.postal_code for d in details],
                "city": [d.city for d in details],
                "insee_code": [d.insee_code for d in details],
                "public_body": [d.public_body for d in details],
                "email": [d.email for d in details],
                "updated_at": now,
                "chorus_service_code": [d.chorus_service_code for d in details],
                "chorus_commitment_number": [d.chorus_commitment_number for d in details],
                "chorus_service_code_required": [d.chorus_service_code_required for d in details],
                "chorus_commitment_required": [d.chorus_commitment_required for d in details],
            },
        )
        rows = {r.siren: _customer(r) for r in result}
        return [rows[d.siren] for d in details]

    async def record_chorus_references(
        self,
        siren: str,
        *,
        siret: str | None,
        service_code: str | None,
        commitment_number: str | None,
        now: datetime,
    ) -> CustomerRecord | None:
        """F8: the references finance recorded (None keeps what is known); None if unknown."""
        result = await self.connection.execute(
            sa.update(customers)
            .where(customers.c.siren == siren)
            .values(
                siret=sa.func.coalesce(siret, customers.c.siret),
                chorus_service_code=sa.func.coalesce(service_code, customers.c.chorus_service_code),
                chorus_commitment_number=sa.func.coalesce(
                    commitment_number, customers.c.chorus_commitment_number
                ),
                updated_at=now,
            )
            .returning(*customers.c)
        )
        row = result.first()
        return _customer(row) if row else None

    async def get_customer(self, siren: str) -> CustomerRecord | None:
        row = (
            await self.connection.execute(sa.select(customers).where(customers.c.siren == siren))
        ).first()
        return _customer(row) if row else None

    async def page_customers(
        self, where: CustomerFilter, *, limit: int, offset: int
    ) -> Listing[CustomerRecord]:
        query = _customers_where(sa.select(customers), where).order_by(
            customers.c.legal_name, customers.c.siren
        )
        count = _customers_where(sa.select(sa.func.count()).select_from(customers), where)
        return await fetch_page(
            self.connection, query, count, _customer, limit=limit, offset=offset
        )

    # -- memberships (F6) --------------------------------------------------------------------

    async def record_activation(
        self,
        *,
        membership_id: UUID,
        siren: str,
        year: int,
        plan: str,
        activated_at: datetime,
        invoice_id: UUID | None,
        now: datetime,
    ) -> None:
        statement = pg_insert(memberships).values(
            membership_id=membership_id,
            siren=siren,
            year=year,
            plan=plan,
            activated_at=activated_at,
            invoice_id=invoice_id,
            updated_at=now,
        )
        # the latest activation (an upgrade) names the plan and invoice, whichever came first
        latest = sa.or_(
            memberships.c.activated_at.is_(None),
            memberships.c.activated_at <= statement.excluded.activated_at,
        )
        statement = statement.on_conflict_do_update(
            index_elements=[memberships.c.membership_id],
            set_={
                "plan": sa.case((latest, statement.excluded.plan), else_=memberships.c.plan),
                "invoice_id": sa.case(
                    (
                        sa.and_(latest, statement.excluded.invoice_id.is_not(None)),
                        statement.excluded.invoice_id,
                    ),
                    else_=sa.func.coalesce(memberships.c.invoice_id, statement.excluded.invoice_id),
                ),
                "activated_at": sa.func.greatest(
                    memberships.c.activated_at, statement.excluded.activated_at
                ),
                "updated_at": now,
            },
        )
        await self.connection.execute(statement)

    async def record_lapse(
        self,
        *,
        membership_id: UUID,
        siren: str,
        year: int,
        lapsed_on: date,
        reason: str,
        now: datetime,
    ) -> None:
        # a lapse known before the activation keeps the placeholder plan until it comes
        statement = pg_insert(memberships).values(
            membership_id=membership_id,
            siren=siren,
            year=year,
            plan="simple",
            lapsed_on=lapsed_on,
            lapse_reason=reason,
            updated_at=now,
        )
        latest = sa.or_(
            memberships.c.lapsed_on.is_(None),
            memberships.c.lapsed_on <= statement.excluded.lapsed_on,
        )
        statement = statement.on_conflict_do_update(
            index_elements=[memberships.c.membership_id],
            set_={
                "lapsed_on": sa.func.greatest(
                    memberships.c.lapsed_on, statement.excluded.lapsed_on
                ),
                "lapse_reason": sa.case(
                    (latest, statement.excluded.lapse_reason), else_=memberships.c.lapse_reason
                ),
                "updated_at": now,
            },
        )
        await self.connection.execute(statement)

    async def list_memberships(self, years: list[int]) -> list[MembershipRecord]:
        rows = await self.connection.execute(
            sa.select(memberships).where(memberships.c.year.in_(years))
        )
        return [
            MembershipRecord(
                membership_id=r.membership_id,
                siren=r.siren,
                year=r.year,
                plan=r.plan,
                activated_at=r.activated_at,
                lapsed_on=r.lapsed_on,
            )
            for r in rows
        ]
