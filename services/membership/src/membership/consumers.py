"""Events the membership service consumes: thin subscribers calling the handlers."""

from membership import handlers
from membership.unit_of_work import MembershipUnitOfWork
from shared.contracts import CreditNoteIssued, Envelope, InvoicePaid
from shared.messaging.consumers import EventConsumers

consumers: EventConsumers[MembershipUnitOfWork] = EventConsumers("membership")


@consumers.on(InvoicePaid)
async def on_invoice_paid(
    event: InvoicePaid, envelope: Envelope, uow: MembershipUnitOfWork
) -> None:
    """A paid dues invoice activates the membership or its upgrade (M5, M6, M10)."""
    await handlers.on_invoice_paid(uow, event, uow.clock.now())


@consumers.on(CreditNoteIssued)
async def on_credit_note_issued(
    event: CreditNoteIssued, envelope: Envelope, uow: MembershipUnitOfWork
) -> None:
    """A dues invoice cancelled before payment withdraws the membership."""
    await handlers.on_credit_note_issued(uow, event, uow.clock.now())
