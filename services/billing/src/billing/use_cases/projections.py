"""F6: memberships as billing knows them, from ``MembershipActivated`` / ``MembershipLapsed``.

Their consumers feed the ``memberships`` projection: the kit drops an event older than one
applied for the same membership, and the writes are merges, so that whichever arrives last the
row is the same.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from billing.use_cases.ports import BillingWork


async def record_membership_activated(
    uow: BillingWork,
    *,
    membership_id: UUID,
    siren: str,
    year: int,
    plan: str,
    activated_at: datetime,
    invoice_id: UUID | None,
) -> None:
    await uow.projections.record_activation(
        membership_id=membership_id,
        siren=siren,
        year=year,
        plan=plan,
        activated_at=activated_at,
        invoice_id=invoice_id,
        now=uow.clock.now(),
    )


async def record_membership_lapsed(
    uow: BillingWork,
    *,
    membership_id: UUID,
    siren: str,
    year: int,
    lapsed_on: date,
    reason: str,
) -> None:
    await uow.projections.record_lapse(
        membership_id=membership_id,
        siren=siren,
        year=year,
        lapsed_on=lapsed_on,
        reason=reason,
        now=uow.clock.now(),
    )
