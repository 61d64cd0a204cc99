"""F6: the finance team's reconciliation of a period, from billing's records and projections
(memberships and auditorium dates, as their services' events described them)."""

from __future__ import annotations

from datetime import date, timedelta

from billing.documents.sources import decode_invoice, missing_references
from billing.domain.auditorium import AuditoriumFacts, find_auditorium_mismatches
from billing.domain.invoices import DUES_KINDS, Status
from billing.domain.reconciliation import (
    CreditNoteFacts,
    InvoiceFacts,
    MembershipFacts,
    PaymentFacts,
    Report,
    find_mismatches,
    reconcile,
)
from billing.repositories.document_records import DocumentFilter
from billing.repositories.records import (
    CreditNoteFilter,
    InvoiceFilter,
    InvoiceRecord,
    PaymentFilter,
)
from billing.unit_of_work import BillingUnitOfWork


def _facts(invoice: InvoiceRecord) -> InvoiceFacts:
    return InvoiceFacts(
        invoice_id=invoice.id,
        number=invoice.number,
        kind=invoice.kind,
        siren=invoice.siren,
        year=invoice.year,
        membership_id=invoice.membership_id,
        issued_on=invoice.issued_on,
        due_on=invoice.due_on,
        total=invoice.total,
        credited=invoice.credited,
        paid=invoice.paid,
        paid_at=invoice.paid_at,
        overdue_marked=invoice.overdue_on is not None,
        subject_id=invoice.subject_id,
    )


async def reconciliation(uow: BillingUnitOfWork, start: date, end: date) -> Report:
    """F6: invoices issued, payments received and credit notes issued in [start, end], as they
    stand today, and the mismatches with membership for the years the period touches."""
    invoices = await uow.invoices.list_invoices(InvoiceFilter(issued_from=start, issued_to=end))
    payments = await uow.payments.list_payments(PaymentFilter(received_from=start, received_to=end))
    credit_notes = await uow.invoices.list_credit_notes(
        CreditNoteFilter(issued_from=start, issued_to=end)
    )
    years = list(range(start.year, end.year + 1))
    memberships = await uow.projections.list_memberships(years)
    dues = await uow.invoices.list_invoices(
        InvoiceFilter(dues_years=tuple(years), kinds=DUES_KINDS)
    )
    mismatches = find_mismatches(
        [
            MembershipFacts(m.membership_id, m.siren, m.year, m.plan, m.activated_at, m.lapsed_on)
            for m in memberships
        ],
        [_facts(i) for i in dues],
        now=uow.clock.now(),
        activation_delay=timedelta(hours=uow.settings.invoicing.activation_delay_hours),
    )
    dates = await uow.auditorium.list_dates(date(start.year, 1, 1), date(end.year, 12, 31))
    rented = await uow.invoices.list_invoices(
        InvoiceFilter(dues_years=tuple(years), kinds=("auditorium",))
    )
    mismatches += find_auditorium_mismatches(
        [
            AuditoriumFacts(
                d.booking_id, d.siren, d.resource_id, d.booked_on, d.amount, d.cancelled_at
            )
            for d in dates
        ],
        [_facts(i) for i in rented],
    )
    report = reconcile(
        period_start=start,
        period_end=end,
        as_of=uow.clock.today(),
        invoices=[_facts(i) for i in invoices],
        payments=[
            PaymentFacts(p.id, p.received_on, p.amount, p.allocated, p.bank_reference)
            for p in payments
        ],
        credit_notes=[
            CreditNoteFacts(c.number, c.invoice_number, c.issued_on, c.amount) for c in credit_notes
        ],
        mismatches=mismatches,
    )
    today = uow.clock.today()
    late = [i for i in invoices if i.status(today) is Status.OVERDUE]
    last = await uow.reminders.last_of([i.id for i in late])
    report.overdue = [
        {
            "number": i.number,
            "siren": i.siren,
            "due_on": i.due_on,
            "days_late": (today - i.due_on).days,
            "outstanding": i.balance.outstanding,
            "last_reminder_level": last[i.id].level if i.id in last else None,
            "last_reminder_kind": last[i.id].kind if i.id in last else None,
            "last_reminder_on": last[i.id].sent_on if i.id in last else None,
        }
        for i in late
    ]
    waiting = await uow.documents.list_documents(
        DocumentFilter(issued_from=start, issued_to=end, waiting_for_references=True)
    )
    report.documents_waiting = [
        {
            "number": d.number,
            "kind": d.kind,
            "siren": d.siren,
            "issued_on": d.issued_on,
            "missing": missing_references(decode_invoice(d.source).customer),
        }
        for d in waiting
    ]
    return report
