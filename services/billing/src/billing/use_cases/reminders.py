"""F3, F6: reminders of overdue invoices, on the finance team's schedule.

A level is sent once per invoice and the schedule never steps back: a run for a day sends, to
each invoice left to pay, the highest level whose day has come if it is above the last one
sent; running again, or late, sends nothing twice. Each reminder is a frozen document (its
letter, made into a PDF/A file like the invoices) and an ``InvoiceReminderSent`` event.
"""

from __future__ import annotations

import uuid
from datetime import date

from billing.documents.sources import encode_letter, seller_of
from billing.formats.reminders import ReminderKind, ReminderLetter, reminder_due
from billing.repositories.document_records import NewDocumentSource
from billing.repositories.records import aggregate_ref
from billing.use_cases.documents import invoice_as_issued
from billing.use_cases.ports import BillingWork
from shared.contracts.billing import InvoiceReminderSent


def reminder_number(invoice_number: str, level: int) -> str:
    """``FA-2025-00012-R2``: the document of the second reminder of FA-2025-00012."""
    return f"{invoice_number}-R{level}"


async def send_reminders_batch(uow: BillingWork, as_of: date, limit: int = 50) -> tuple[int, int]:
    """Send the reminders due on ``as_of`` to one batch of invoices; returns (claimed, sent)."""
    settings = uow.settings.reminders
    schedule = settings.schedule()
    days = [lv.days_after_due for lv in schedule.levels]
    claimed = await uow.reminders.claim_due(as_of, days, limit)
    sent = 0
    for invoice_id in claimed:
        invoice = await uow.invoices.get_invoice(invoice_id)
        assert invoice is not None
        already = [r.level for r in await uow.reminders.of_invoice(invoice.id)]
        outstanding = invoice.balance.outstanding
        level = reminder_due(
            schedule,
            due_on=invoice.due_on,
            today=as_of,
            outstanding=outstanding,
            sent_levels=already,
        )
        if level is None:  # pragma: no cover - the claim's query decides as reminder_due does
            continue
        reminder_id = uuid.uuid4()
        now = uow.clock.now()
        await uow.reminders.add(
            reminder_id=reminder_id,
            invoice_id=invoice.id,
            level=level.level,
            kind=level.kind.value,
            days_after_due=level.days_after_due,
            sent_on=as_of,
            amount_due=outstanding,
            created_at=now,
        )
        as_issued = await invoice_as_issued(uow, invoice)
        letter = ReminderLetter(
            level=level,
            seller=seller_of(uow.settings),
            customer=as_issued.customer,
            invoice_number=invoice.number,
            invoice_date=invoice.issued_on,
            due_on=invoice.due_on,
            total=invoice.total,
            outstanding=outstanding,
            sent_on=as_of,
            created_at=now,
            notice_days=settings.notice_days,
        )
        await uow.documents.add_source(
            NewDocumentSource(
                document_id=reminder_id,
                kind="reminder",
                number=reminder_number(invoice.number, level.level),
                invoice_id=invoice.id,
                siren=invoice.siren,
                issued_on=as_of,
                public_body=invoice.customer.public_body,
                awaiting_references=False,
                source=encode_letter(letter),
                created_at=now,
            )
        )
        revision = await uow.invoices.record_reminder(invoice.id)
        uow.outbox.add(
            InvoiceReminderSent(
                invoice_id=invoice.id,
                number=invoice.number,
                siren=invoice.siren,
                reminder_id=reminder_id,
                level=level.level,
                kind="formal_notice" if level.kind is ReminderKind.FORMAL_NOTICE else "reminder",
                sent_on=as_of,
                due_on=invoice.due_on,
                amount_due=outstanding,
            ),
            aggregate_ref(revision),
        )
        sent += 1
    return len(claimed), sent
