"""Events the membership service consumes: thin subscribers calling the use cases.

Both feed the ``invoices`` projection: the kit drops an event older (by ``aggregate_version``,
the invoice's) than one already applied for the same invoice, so a stale ``InvoicePaid``
arriving after the ``CreditNoteIssued`` that cancelled the invoice changes nothing.
"""

from membership.unit_of_work import MembershipUnitOfWork
from membership.use_cases import payments
from shared.contracts import CreditNoteIssued, Envelope, InvoicePaid
from shared.messaging.consumers import EventConsumers

consumers: EventConsumers[MembershipUnitOfWork] = EventConsumers("membership")

INVOICES = "invoices"


@consumers.on(InvoicePaid, projection=INVOICES)
async def on_invoice_paid(
    event: InvoicePaid, envelope: Envelope, uow: MembershipUnitOfWork
) -> None:
    """A paid dues invoice activates the membership or its upgrade (M5, M6, M10)."""
    await payments.on_invoice_paid(uow, event)


@consumers.on(CreditNoteIssued, projection=INVOICES)
async def on_credit_note_issued(
    event: CreditNoteIssued, envelope: Envelope, uow: MembershipUnitOfWork
) -> None:
    """A dues invoice cancelled before payment withdraws the membership."""
    await payments.on_credit_note_issued(uow, event)
