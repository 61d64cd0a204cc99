"""Billing's facts about dues invoices: a payment activates the membership or its upgrade
(M5, M6, M10, F5), a cancelled invoice withdraws it.

Both are idempotent in effect beyond the inbox: each checks the state it would change (an
active membership stays as it is, a withdrawn one is not activated).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime
from uuid import UUID

from membership.domain.applications import ApplicationStatus
from membership.domain.plans import Plan
from membership.domain.validity import (
    MembershipState,
    activation_refusal,
    activation_start,
    grace_until,
    lapse_on_withdrawal,
    valid_until,
)
from membership.records import MembershipRecord, UpgradeState
from membership.use_cases.common import aggregate, structure_of
from membership.use_cases.lapses import lapse
from membership.use_cases.ports import MembershipUoW
from shared.contracts import CreditNoteIssued, InvoicePaid, MembershipActivated

log = logging.getLogger(__name__)

MEMBERSHIP_KINDS = ("membership_new", "membership_renewal")


async def on_invoice_paid(uow: MembershipUoW, event: InvoicePaid) -> None:
    """F5: the dues invoice's payment activates the membership (or the upgrade), once."""
    if event.kind in MEMBERSHIP_KINDS:
        await _activate_membership(uow, event)
    elif event.kind == "plan_upgrade":
        await _activate_upgrade(uow, event)


async def _activated(
    uow: MembershipUoW,
    membership: MembershipRecord,
    *,
    valid_from: date,
    invoice_id: UUID | None,
    grace_until: date | None = None,
    activated_at: datetime | None = None,
) -> MembershipActivated:
    """What training and booking grant from ``valid_from`` on (the membership as activated)."""
    structure = await structure_of(uow, membership.siren)
    training = structure.training_organisation
    return MembershipActivated(
        membership_id=membership.id,
        siren=membership.siren,
        year=membership.year,
        plan=membership.plan.value,
        valid_from=valid_from,
        valid_until=valid_until(membership.year),
        grace_until=grace_until,
        beneficiary_sirets=await uow.structures.beneficiary_sirets(membership.siren),
        training_organisation=training,
        qualiopi_valid_until=structure.qualiopi_valid_until if training else None,
        invoice_id=invoice_id,
        activated_at=activated_at or uow.clock.now(),
    )


async def announce_grace(uow: MembershipUoW, membership: MembershipRecord) -> None:
    """M4: ``membership`` (locked, active) keeps its status until 15 February of the next year
    since a renewal is under way: it is announced again with that grace, at a new version, so
    that training and booking grant January's and early February's dates (T2, B2) as this
    service's own status does. Its start is the last one announced (an upgrade's payment day:
    the premium rights), its activation time the first."""
    announced = await uow.memberships.save_membership(membership)
    assert announced.valid_from is not None
    uow.outbox.add(
        await _activated(
            uow,
            announced,
            valid_from=max(d for d in (announced.valid_from, announced.premium_from) if d),
            invoice_id=announced.invoice_id,
            grace_until=grace_until(announced.year),
            activated_at=announced.activated_at,
        ),
        aggregate(announced),
    )


def _too_late(event: InvoicePaid, membership: MembershipRecord, what: str) -> bool:
    """True, and logged, when the payment can no longer activate ``what`` (M3, M4)."""
    refusal = activation_refusal(membership.year, membership.state, event.paid_on)
    if refusal is None:
        return False
    # Billing's reconciliation (F6) shows this paid invoice without an active membership.
    log.warning("InvoicePaid %s: %s not activated: %s", event.number, what, refusal)
    return True


async def _activate_membership(uow: MembershipUoW, event: InvoicePaid) -> None:
    membership = await uow.memberships.membership(event.subject_id, for_update=True)
    if membership is None or membership.siren != event.siren:
        log.warning("InvoicePaid %s names no membership of %s: ignored", event.number, event.siren)
        return
    if membership.state is not MembershipState.AWAITING_PAYMENT:
        # Already active (a second payment event) or withdrawn: nothing changes.
        log.info("InvoicePaid %s: membership is %s, unchanged", event.number, membership.state)
        return
    if _too_late(event, membership, f"membership {membership.id}"):
        return
    valid_from = activation_start(membership.year, event.paid_on)
    active = await uow.memberships.save_membership(
        replace(
            membership,
            state=MembershipState.ACTIVE,
            valid_from=valid_from,
            premium_from=valid_from if membership.plan is Plan.PREMIUM else None,
            invoice_id=event.invoice_id,
            activated_at=uow.clock.now(),
        )
    )
    uow.outbox.add(
        await _activated(uow, active, valid_from=valid_from, invoice_id=event.invoice_id),
        aggregate(active),
    )


async def _activate_upgrade(uow: MembershipUoW, event: InvoicePaid) -> None:
    upgrade = await uow.memberships.upgrade(event.subject_id, for_update=True)
    if upgrade is None or upgrade.state is not UpgradeState.AWAITING_PAYMENT:
        log.info("InvoicePaid %s: no upgrade awaiting payment, unchanged", event.number)
        return
    membership = await uow.memberships.membership(upgrade.membership_id, for_update=True)
    assert membership is not None
    if _too_late(event, membership, f"upgrade {upgrade.id} of membership {membership.id}"):
        return
    premium_from = max(event.paid_on, membership.valid_from or event.paid_on)
    await uow.memberships.save_upgrade(
        replace(
            upgrade, state=UpgradeState.PAID, paid_on=event.paid_on, invoice_id=event.invoice_id
        )
    )
    premium = await uow.memberships.save_membership(
        replace(membership, plan=Plan.PREMIUM, premium_from=premium_from)
    )
    uow.outbox.add(
        await _activated(uow, premium, valid_from=premium_from, invoice_id=event.invoice_id),
        aggregate(premium),
    )


async def on_credit_note_issued(uow: MembershipUoW, event: CreditNoteIssued) -> None:
    """A dues invoice cancelled in full before payment withdraws the membership and its
    application (state ``withdrawn``); a cancelled upgrade invoice cancels the upgrade.

    A renewal withdrawn during the grace also ends the status it was keeping
    (``MembershipLapsed``, reason ``withdrawn``). Credit notes on paid invoices (refunds) and
    partial ones change no membership.
    """
    if not event.cancels_invoice:
        return
    if event.kind == "plan_upgrade":
        upgrade = await uow.memberships.upgrade(event.subject_id, for_update=True)
        if upgrade is not None and upgrade.state is UpgradeState.AWAITING_PAYMENT:
            await uow.memberships.save_upgrade(replace(upgrade, state=UpgradeState.CANCELLED))
        return
    if event.kind not in MEMBERSHIP_KINDS:
        return
    membership = await uow.memberships.membership(event.subject_id, for_update=True)
    if membership is None or membership.state is not MembershipState.AWAITING_PAYMENT:
        log.info("CreditNoteIssued %s: no unpaid membership to withdraw", event.number)
        return
    withdrawn = await uow.memberships.save_membership(
        replace(membership, state=MembershipState.WITHDRAWN, withdrawn_at=uow.clock.now())
    )
    application = await uow.applications.application(membership.application_id, for_update=True)
    if application is not None:
        await uow.applications.save_application(
            replace(application, status=ApplicationStatus.WITHDRAWN)
        )
    previous = await uow.memberships.membership_of(
        membership.siren, membership.year - 1, for_update=True
    )
    if previous is None:
        return
    ended = lapse_on_withdrawal(previous.facts(), withdrawn.facts(), event.issued_on)
    if ended is not None:
        await lapse(uow, previous, ended.lapsed_on, ended.reason)
