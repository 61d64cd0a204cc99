"""Events the billing service consumes: thin subscribers calling the use cases.

Each runs inside the kit's transaction (inbox claim, handler, outbox rows, commit): the
membership events that cause a dues invoice (F1), the memberships' projection (F6), and
booking's auditorium dates (B3). The dues handlers take their deliveries in batches (up to
``DUES_BATCH`` in one transaction, :mod:`shared.messaging.batches`): a renewal campaign's
events are issued by hundreds under one lock of the year's counter.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from uuid import UUID

from billing.domain.invoices import InvoiceKind, dues_line
from billing.repositories.records import AuditoriumDate
from billing.unit_of_work import BillingUnitOfWork
from billing.use_cases.auditorium import (
    issue_with_waiting_dates,
    record_auditorium_booked,
    record_auditorium_cancelled,
)
from billing.use_cases.issuing import IssueRequest
from billing.use_cases.ports import BillingWork
from billing.use_cases.projections import record_membership_activated, record_membership_lapsed
from shared.contracts import (
    AuditoriumBooked,
    BookingCancelled,
    CustomerDetails,
    Envelope,
    MembershipActivated,
    MembershipApproved,
    MembershipLapsed,
    MembershipRenewalRequested,
    PlanUpgradeRequested,
)
from shared.messaging.consumers import Delivery, EventConsumers

consumers: EventConsumers[BillingUnitOfWork] = EventConsumers("billing")


#: Deliveries of a dues queue issued in one transaction (a renewal campaign's burst).
DUES_BATCH = 250


def _dues(
    delivery: Delivery[Any],
    kind: InvoiceKind,
    *,
    subject_id: UUID,
    customer: CustomerDetails,
    year: int,
    plan: str,
    amount: Decimal,
    from_plan: str | None = None,
) -> IssueRequest:
    line = dues_line(kind, year=year, amount=amount, plan=plan, from_plan=from_plan)
    return IssueRequest(
        kind=kind,
        subject_id=subject_id,
        membership_id=delivery.event.membership_id,
        customer=customer,
        year=year,
        plan=plan,
        lines=[line],
        caused_by=delivery,
    )


def _membership_dues(
    kind: InvoiceKind, delivery: Delivery[MembershipApproved] | Delivery[MembershipRenewalRequested]
) -> IssueRequest:
    """The dues of a membership's year (new or renewed): the subject is the membership."""
    event = delivery.event
    return _dues(
        delivery,
        kind,
        subject_id=event.membership_id,
        customer=event.customer,
        year=event.year,
        plan=event.plan,
        amount=event.amount,
    )


def _upgrade_dues(delivery: Delivery[PlanUpgradeRequested]) -> IssueRequest:
    """The difference of an upgrade: the subject is the upgrade, the line names both plans."""
    event = delivery.event
    return _dues(
        delivery,
        "plan_upgrade",
        subject_id=event.upgrade_id,
        customer=event.customer,
        year=event.year,
        plan=event.to_plan,
        amount=event.amount,
        from_plan=event.from_plan,
    )


# Each dues handler issues the one invoice of each subject whatever the number of deliveries,
# with the auditorium dates of the structures that waited for it (B3).


@consumers.on_batch(MembershipApproved, max_batch=DUES_BATCH)
async def on_membership_approved(
    deliveries: Sequence[Delivery[MembershipApproved]], uow: BillingWork
) -> None:
    """F1/M5: the dues invoice of a new membership, once per structure and year."""
    await issue_with_waiting_dates(uow, [_membership_dues("membership_new", d) for d in deliveries])


@consumers.on_batch(MembershipRenewalRequested, max_batch=DUES_BATCH)
async def on_membership_renewal_requested(
    deliveries: Sequence[Delivery[MembershipRenewalRequested]], uow: BillingWork
) -> None:
    """F1/M6: the dues invoice of a renewal, once per structure and year."""
    await issue_with_waiting_dates(
        uow, [_membership_dues("membership_renewal", d) for d in deliveries]
    )


@consumers.on_batch(PlanUpgradeRequested, max_batch=DUES_BATCH)
async def on_plan_upgrade_requested(
    deliveries: Sequence[Delivery[PlanUpgradeRequested]], uow: BillingWork
) -> None:
    """F1/M10: the difference simple -> premium, once per structure and year."""
    await issue_with_waiting_dates(uow, [_upgrade_dues(d) for d in deliveries])


@consumers.on(MembershipActivated, projection="memberships")
async def on_membership_activated(
    event: MembershipActivated, envelope: Envelope, uow: BillingWork
) -> None:
    """F6: keep the membership as activated, for reconciliation (the newest fact wins)."""
    await record_membership_activated(
        uow,
        membership_id=event.membership_id,
        siren=event.siren,
        year=event.year,
        plan=event.plan,
        activated_at=event.activated_at,
        invoice_id=event.invoice_id,
    )


@consumers.on(MembershipLapsed, projection="memberships")
async def on_membership_lapsed(
    event: MembershipLapsed, envelope: Envelope, uow: BillingWork
) -> None:
    """F6: keep the membership as lapsed, for reconciliation (the newest fact wins)."""
    await record_membership_lapsed(
        uow,
        membership_id=event.membership_id,
        siren=event.siren,
        year=event.year,
        lapsed_on=event.lapsed_on,
        reason=event.reason,
    )


def _date_of(event: AuditoriumBooked | BookingCancelled) -> AuditoriumDate:
    return AuditoriumDate(
        booking_id=event.booking_id,
        siren=event.siren,
        resource_id=event.resource_id,
        resource_name=event.resource_name,
        booked_on=event.booked_on,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
    )


@consumers.on(AuditoriumBooked)
async def on_auditorium_booked(
    event: AuditoriumBooked, envelope: Envelope, uow: BillingWork
) -> None:
    """B3/F1: one invoice line per auditorium date, once per booking, on the main structure."""
    await record_auditorium_booked(
        uow, _date_of(event), amount=event.amount, booked_at=event.booked_at
    )


@consumers.on(BookingCancelled)
async def on_booking_cancelled(
    event: BookingCancelled, envelope: Envelope, uow: BillingWork
) -> None:
    """B3/B9: an auditorium date cancelled before its day is credited, once per booking."""
    if event.resource_kind != "auditorium":
        return  # meeting rooms and the Lab Studio are not billed (B2, B6)
    await record_auditorium_cancelled(
        uow, _date_of(event), cancelled_at=event.cancelled_at, reason=event.reason
    )
