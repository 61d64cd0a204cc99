"""Events the billing service consumes: thin subscribers calling the handlers.

Each runs inside the kit's transaction (inbox claim, handler, outbox rows, commit). Booking
events (``AuditoriumBooked``, ``BookingCancelled``) are handled once the booking service lands.
"""

from billing.domain.invoices import dues_line
from billing.handlers import (
    IssueRequest,
    issue_invoice,
    record_membership_activated,
    record_membership_lapsed,
)
from billing.unit_of_work import BillingUnitOfWork
from shared.contracts import (
    Envelope,
    MembershipActivated,
    MembershipApproved,
    MembershipLapsed,
    MembershipRenewalRequested,
    PlanUpgradeRequested,
)
from shared.messaging.consumers import EventConsumers

consumers: EventConsumers[BillingUnitOfWork] = EventConsumers("billing")


@consumers.on(MembershipApproved)
async def on_membership_approved(
    event: MembershipApproved, envelope: Envelope, uow: BillingUnitOfWork
) -> None:
    """F1/M5: the dues invoice of a new membership, once per structure and year."""
    await issue_invoice(
        uow,
        IssueRequest(
            kind="membership_new",
            subject_id=event.membership_id,
            membership_id=event.membership_id,
            customer=event.customer,
            year=event.year,
            plan=event.plan,
            lines=[
                dues_line("membership_new", year=event.year, amount=event.amount, plan=event.plan)
            ],
        ),
    )


@consumers.on(MembershipRenewalRequested)
async def on_membership_renewal_requested(
    event: MembershipRenewalRequested, envelope: Envelope, uow: BillingUnitOfWork
) -> None:
    """F1/M6: the dues invoice of a renewal, once per structure and year."""
    await issue_invoice(
        uow,
        IssueRequest(
            kind="membership_renewal",
            subject_id=event.membership_id,
            membership_id=event.membership_id,
            customer=event.customer,
            year=event.year,
            plan=event.plan,
            lines=[
                dues_line(
                    "membership_renewal", year=event.year, amount=event.amount, plan=event.plan
                )
            ],
        ),
    )


@consumers.on(PlanUpgradeRequested)
async def on_plan_upgrade_requested(
    event: PlanUpgradeRequested, envelope: Envelope, uow: BillingUnitOfWork
) -> None:
    """F1/M10: the difference simple -> premium, once per structure and year."""
    await issue_invoice(
        uow,
        IssueRequest(
            kind="plan_upgrade",
            subject_id=event.upgrade_id,
            membership_id=event.membership_id,
            customer=event.customer,
            year=event.year,
            plan=event.to_plan,
            lines=[
                dues_line(
                    "plan_upgrade",
                    year=event.year,
                    amount=event.amount,
                    plan=event.to_plan,
                    from_plan=event.from_plan,
                )
            ],
        ),
    )


@consumers.on(MembershipActivated)
async def on_membership_activated(
    event: MembershipActivated, envelope: Envelope, uow: BillingUnitOfWork
) -> None:
    """F6: keep the membership as activated, for reconciliation."""
    await record_membership_activated(
        uow,
        membership_id=event.membership_id,
        siren=event.siren,
        year=event.year,
        plan=event.plan,
        activated_at=event.activated_at,
        invoice_id=event.invoice_id,
    )


@consumers.on(MembershipLapsed)
async def on_membership_lapsed(
    event: MembershipLapsed, envelope: Envelope, uow: BillingUnitOfWork
) -> None:
    """F6: keep the membership as lapsed, for reconciliation."""
    await record_membership_lapsed(
        uow,
        membership_id=event.membership_id,
        siren=event.siren,
        year=event.year,
        lapsed_on=event.lapsed_on,
        reason=event.reason,
    )
