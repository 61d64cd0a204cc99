"""Applications and the board's decisions (M5, M6), and the reinstatement a renewal in the
grace window brings (M4)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from decimal import Decimal
from uuid import UUID

from membership.domain.applications import (
    ApplicationStatus,
    Kind,
    Texts,
    check_application_year,
    check_decidable,
    check_no_duplicate,
    check_reason,
    check_texts,
    kind_for,
)
from membership.domain.plans import check_year, parse_plan
from membership.domain.validity import (
    MembershipState,
    grace_until,
    restored_by_renewal,
    status_kept_by_renewal,
)
from membership.records import ApplicationRecord, MembershipRecord
from membership.use_cases.common import aggregate, customer, structure_of, tariff_of
from membership.use_cases.payments import announce_grace
from membership.use_cases.ports import MembershipUoW
from shared.contracts import (
    MembershipApplicationSubmitted,
    MembershipApproved,
    MembershipReinstated,
    MembershipRejected,
    MembershipRenewalRequested,
)
from shared.errors import NotFound


@dataclass(frozen=True)
class Application:
    siren: str
    year: int
    plan: str
    texts: Texts
    submitted_by: str


async def apply(uow: MembershipUoW, cmd: Application) -> ApplicationRecord:
    """New membership or renewal, decided from the structure's own history (M5, M6).

    A renewal is processed at once: its membership awaits payment and billing is asked for the
    dues invoice (``MembershipRenewalRequested``); a new one waits for the board.
    """
    now, today = uow.clock.now(), uow.clock.today()
    plan = parse_plan(cmd.plan)
    check_year(cmd.year, "M3")
    structure = await structure_of(uow, cmd.siren, lock=True)  # serialises a structure's applies
    check_application_year(cmd.year, today, await uow.dues.campaign_years())
    check_no_duplicate(cmd.year, await uow.applications.statuses(cmd.siren, cmd.year))
    kind = kind_for(cmd.year, await uow.memberships.paid_years(cmd.siren))
    if kind is Kind.NEW:
        check_texts(cmd.texts)
    tariff = await tariff_of(uow, cmd.year)
    renewal = kind is Kind.RENEWAL
    application = await uow.applications.add_application(
        ApplicationRecord(
            id=uuid.uuid4(),
            siren=cmd.siren,
            year=cmd.year,
            plan=plan,
            kind=kind,
            status=ApplicationStatus.PROCESSED if renewal else ApplicationStatus.PENDING_REVIEW,
            structure_text=cmd.texts.structure,
            activity_text=cmd.texts.activity,
            motivations_text=cmd.texts.motivations,
            submitted_at=now,
            submitted_by=cmd.submitted_by,
            decided_at=now if renewal else None,
            membership_id=uuid.uuid4() if renewal else None,
        )
    )
    uow.outbox.add(
        MembershipApplicationSubmitted(
            application_id=application.id,
            siren=cmd.siren,
            year=cmd.year,
            plan=plan.value,
            kind=kind.value,
            submitted_at=now,
        ),
        aggregate(application),
    )
    if application.membership_id is None:
        return application
    membership = await _open_membership(
        uow, application, application.membership_id, tariff.dues(plan)
    )
    uow.outbox.add(
        MembershipRenewalRequested(
            membership_id=membership.id,
            application_id=application.id,
            siren=cmd.siren,
            year=cmd.year,
            plan=plan.value,
            amount=membership.amount,
            customer=customer(structure),
            requested_at=now,
        ),
        aggregate(membership),
    )
    await _keep_status_for(uow, membership)
    return application


async def _keep_status_for(uow: MembershipUoW, renewal: MembershipRecord) -> None:
    """M4: a renewal keeps the member of the year before in status until 15 February: a
    lapsed one (on 1 January, not renewed) is reinstated (``MembershipReinstated``), an active
    one announced again with its grace (``MembershipActivated.grace_until``)."""
    previous = await uow.memberships.membership_of(renewal.siren, renewal.year - 1, for_update=True)
    if previous is None:
        return
    today = uow.clock.today()
    if status_kept_by_renewal(previous.facts(), today):
        await announce_grace(uow, previous)
        return
    if not restored_by_renewal(previous.facts(), today):
        return
    restored = await uow.memberships.save_membership(
        replace(previous, state=MembershipState.ACTIVE, lapsed_on=None, lapse_reason=None)
    )
    uow.outbox.add(
        MembershipReinstated(
            membership_id=restored.id,
            siren=restored.siren,
            year=restored.year,
            plan=restored.plan.value,
            grace_until=grace_until(restored.year),
            renewal_membership_id=renewal.id,
            reinstated_at=uow.clock.now(),
        ),
        aggregate(restored),
    )


async def _open_membership(
    uow: MembershipUoW, application: ApplicationRecord, membership_id: UUID, amount: Decimal
) -> MembershipRecord:
    """The membership of an approved or processed application, awaiting its dues (M5, M6)."""
    now = uow.clock.now()
    return await uow.memberships.add_membership(
        MembershipRecord(
            id=membership_id,
            siren=application.siren,
            year=application.year,
            plan=application.plan,
            kind=application.kind,
            state=MembershipState.AWAITING_PAYMENT,
            application_id=application.id,
            amount=amount,
            submitted_on=now.date(),
            created_at=now,
        )
    )


async def _decidable(uow: MembershipUoW, application_id: UUID) -> ApplicationRecord:
    application = await uow.applications.application(application_id, for_update=True)
    if application is None:
        raise NotFound("Application", application_id)
    check_decidable(application.status, application.kind)
    return application


async def approve(uow: MembershipUoW, application_id: UUID, board_member: str) -> ApplicationRecord:
    """M5: the board approves; billing is asked for the dues invoice (``MembershipApproved``)."""
    now = uow.clock.now()
    pending = await _decidable(uow, application_id)
    structure = await structure_of(uow, pending.siren)
    amount = (await tariff_of(uow, pending.year)).dues(pending.plan)
    approved = await uow.applications.save_application(
        replace(
            pending,
            status=ApplicationStatus.APPROVED,
            decided_at=now,
            decided_by=board_member,
            membership_id=uuid.uuid4(),
        )
    )
    assert approved.membership_id is not None
    membership = await _open_membership(uow, approved, approved.membership_id, amount)
    uow.outbox.add(
        MembershipApproved(
            membership_id=membership.id,
            application_id=approved.id,
            siren=approved.siren,
            year=approved.year,
            plan=approved.plan.value,
            amount=amount,
            customer=customer(structure),
            approved_at=now,
        ),
        aggregate(membership),
    )
    return approved


async def reject(
    uow: MembershipUoW, application_id: UUID, reason: str, board_member: str
) -> ApplicationRecord:
    """M5: the board rejects, saying why; the applicant reads the reason on its application."""
    now = uow.clock.now()
    pending = await _decidable(uow, application_id)
    reason = check_reason(reason)
    rejected = await uow.applications.save_application(
        replace(
            pending,
            status=ApplicationStatus.REJECTED,
            decided_at=now,
            decided_by=board_member,
            rejection_reason=reason,
        )
    )
    uow.outbox.add(
        MembershipRejected(
            application_id=rejected.id,
            siren=rejected.siren,
            year=rejected.year,
            reason=reason,
            rejected_at=now,
        ),
        aggregate(rejected),
    )
    return rejected
