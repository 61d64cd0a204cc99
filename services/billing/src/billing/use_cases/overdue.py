"""F4: invoices past due are marked overdue, once each, and ``InvoiceOverdue`` goes out once."""

from __future__ import annotations

from datetime import date

from billing.repositories.records import aggregate_ref
from billing.use_cases.ports import BillingWork
from shared.contracts.billing import InvoiceOverdue


async def mark_overdue_batch(uow: BillingWork, as_of: date, limit: int = 200) -> int:
    """Mark one batch of the invoices past due on ``as_of`` (the day the run is for) and publish
    ``InvoiceOverdue`` for each, at the version the mark leaves it. Returns how many."""
    marked = 0
    for invoice_id in await uow.invoices.claim_overdue(as_of, limit):
        invoice = await uow.invoices.get_invoice(invoice_id)
        assert invoice is not None
        revision = await uow.invoices.mark_overdue(invoice.id, as_of)
        uow.outbox.add(
            InvoiceOverdue(
                invoice_id=invoice.id,
                number=invoice.number,
                siren=invoice.siren,
                due_on=invoice.due_on,
                amount_due=invoice.balance.outstanding,
            ),
            aggregate_ref(revision),
        )
        marked += 1
    return marked
