"""Events the membership service consumes: thin subscribers calling the use cases.

``InvoicePaid`` is guarded by the ``invoices`` projection: the kit drops one older (by
``aggregate_version``, the invoice's) than a fact already recorded for the same invoice. Only a
credit note that cancels the invoice records such a fact: a stale ``InvoicePaid`` arriving after
the cancellation changes nothing, while a partial credit note (a newer version too) never makes
a delayed payment stale.

``AttendanceRecorded`` (training) awards the ParcoursPro training badge (M11), guarded by the
``training_attendance`` projection: a correction recorded after it (a newer version of the
enrollment) wins over a stale delivery, and the badge is awarded once per enrollment.
"""

import functools

from membership.governance.settings import GovernanceSettings
from membership.unit_of_work import MembershipUnitOfWork
from membership.use_cases import badges, payments
from shared.contracts import AttendanceRecorded, CreditNoteIssued, Envelope, InvoicePaid
from shared.messaging import versions
from shared.messaging.consumers import EventConsumers

consumers: EventConsumers[MembershipUnitOfWork] = EventConsumers("membership")

INVOICES = "invoices"
TRAINING_ATTENDANCE = "training_attendance"


@functools.cache
def _governance() -> GovernanceSettings:
    """The worker's ``GOVERNANCE_*`` settings (the status list's size, should a training badge
    be the first badge ever)."""
    return GovernanceSettings()


@consumers.on(InvoicePaid, projection=INVOICES)
async def on_invoice_paid(
    event: InvoicePaid, envelope: Envelope, uow: MembershipUnitOfWork
) -> None:
    """A paid dues invoice activates the membership or its upgrade (M5, M6, M10)."""
    await payments.on_invoice_paid(uow, event)


@consumers.on(CreditNoteIssued)
async def on_credit_note_issued(
    event: CreditNoteIssued, envelope: Envelope, uow: MembershipUnitOfWork
) -> None:
    """A dues invoice cancelled before payment withdraws the membership."""
    if event.cancels_invoice and envelope.aggregate_version is not None:
        await versions.advance(
            uow.driver, INVOICES, envelope.aggregate_id, envelope.aggregate_version
        )
    await payments.on_credit_note_issued(uow, event)


@consumers.on(AttendanceRecorded, projection=TRAINING_ATTENDANCE)
async def on_attendance_recorded(
    event: AttendanceRecorded, envelope: Envelope, uow: MembershipUnitOfWork
) -> None:
    """An employee present at a training or self-training session earns its badge (M11)."""
    await badges.on_attendance_recorded(uow, event, _governance().badge_status_list_size)
