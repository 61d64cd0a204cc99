"""The plan upgrade during the year (M10): simple to premium, for the difference."""

from __future__ import annotations

import uuid
from dataclasses import replace

from membership.domain.plans import check_upgrade, parse_plan
from membership.domain.validity import MembershipState
from membership.records import UpgradeRecord, UpgradeState
from membership.use_cases.common import aggregate, customer, structure_of, tariff_of
from membership.use_cases.ports import MembershipUoW
from shared.contracts import PlanUpgradeRequested
from shared.errors import Conflict, RuleViolated


async def request_upgrade(uow: MembershipUoW, siren: str, target_raw: str) -> UpgradeRecord:
    """M10: a paid membership of the current year moves to premium once its difference is paid;
    billing is asked for the upgrade invoice (``PlanUpgradeRequested``)."""
    target = parse_plan(target_raw)
    structure = await structure_of(uow, siren, lock=True)
    now = uow.clock.now()
    year = now.year
    membership = await uow.memberships.membership_of(siren, year, for_update=True)
    if membership is None or membership.state is MembershipState.WITHDRAWN:
        raise RuleViolated("M10", f"Structure {siren} has no membership for {year} to upgrade.")
    earlier = {u.state for u in await uow.memberships.upgrades_of(membership.id)}
    check_upgrade(
        current=membership.plan,
        target=target,
        paid=membership.valid_from is not None,
        upgrade_pending=UpgradeState.AWAITING_PAYMENT in earlier,
    )
    if UpgradeState.CANCELLED in earlier:
        # Billing issues one upgrade invoice per structure and year: a second would go unbilled.
        raise Conflict(
            f"The upgrade of {year} was invoiced and cancelled; staff must sort it out.",
            rule="M10",
        )
    amount = (await tariff_of(uow, year)).upgrade
    upgrade = await uow.memberships.add_upgrade(
        UpgradeRecord(
            id=uuid.uuid4(),
            membership_id=membership.id,
            siren=siren,
            year=year,
            from_plan=membership.plan,
            to_plan=target,
            amount=amount,
            state=UpgradeState.AWAITING_PAYMENT,
            requested_at=now,
        )
    )
    requested = await uow.memberships.save_membership(replace(membership, upgrade_id=upgrade.id))
    uow.outbox.add(
        PlanUpgradeRequested(
            membership_id=requested.id,
            upgrade_id=upgrade.id,
            siren=siren,
            year=year,
            from_plan=membership.plan.value,
            to_plan=target.value,
            amount=amount,
            customer=customer(structure),
            requested_at=now,
        ),
        aggregate(requested),
    )
    return upgrade
