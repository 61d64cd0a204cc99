"""Read models of the finance team: reconciliation (F6) and the accounting exports (F7)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from billing.domain import fec
from billing.domain.invoices import DUES_KINDS
from billing.domain.money import format_fr
from billing.domain.reconciliation import (
    CreditNoteFacts,
    InvoiceFacts,
    MembershipFacts,
    PaymentFacts,
    Report,
    find_mismatches,
    reconcile,
)
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
    return reconcile(
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


async def fec_export(uow: BillingUnitOfWork, year: int) -> tuple[str, str]:
    """F7: the FEC of fiscal year ``year``: (file name, text)."""
    start, end = fec.fiscal_year(year)
    invoices = await uow.invoices.list_invoices(InvoiceFilter(issued_from=start, issued_to=end))
    credit_notes = await uow.invoices.list_credit_notes(
        CreditNoteFilter(issued_from=start, issued_to=end)
    )
    payments = await uow.payments.list_payments(PaymentFilter(received_from=start, received_to=end))
    at_recording = await uow.payments.list_allocations(
        payment_ids=[p.id for p in payments], at_recording=True
    )
    late = await uow.payments.list_allocations(
        allocated_from=start, allocated_to=end, at_recording=False
    )
    sales = [
        fec.SaleDoc(
            i.number, i.issued_on, i.kind, fec.Party(i.siren, i.customer.legal_name), i.total
        )
        for i in invoices
    ]
    sales += [
        fec.SaleDoc(
            c.number,
            c.issued_on,
            c.invoice_kind,
            fec.Party(c.siren, c.customer_name),
            c.amount,
            credit=True,
            cancels=c.invoice_number,
        )
        for c in credit_notes
    ]
    matched: dict[object, list[tuple[fec.Party, object, str]]] = {}
    for a in at_recording:
        matched.setdefault(a.payment_id, []).append(
            (fec.Party(a.siren, a.customer_name), a.amount, a.invoice_number)
        )
    bank = [
        fec.BankDoc(
            reference=p.bank_reference,
            received_on=p.received_on,
            amount=p.amount,
            label=f"Règlement {p.method} {p.payer_reference}",
            matched=tuple(matched.get(p.id, [])),  # type: ignore[arg-type]
        )
        for p in payments
    ]
    later = [
        fec.LateAllocation(
            a.bank_reference,
            a.allocated_on,
            fec.Party(a.siren, a.customer_name),
            a.amount,
            a.invoice_number,
        )
        for a in late
    ]
    entries = fec.build_entries(sales, bank, later)
    return fec.file_name(uow.settings.seller_identity().siren, end), fec.render(entries)


def _csv(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


async def invoices_csv(uow: BillingUnitOfWork, start: date, end: date) -> str:
    """F7: invoices issued in [start, end] (``;`` separated, comma decimals)."""
    today = uow.clock.today()
    rows = [
        [
            i.number,
            i.issued_on.isoformat(),
            i.due_on.isoformat(),
            i.siren,
            i.customer.legal_name,
            i.kind,
            str(i.year),
            format_fr(i.total),
            format_fr(i.credited),
            format_fr(i.paid),
            format_fr(i.balance.outstanding),
            i.status(today).value,
        ]
        for i in await uow.invoices.list_invoices(InvoiceFilter(issued_from=start, issued_to=end))
    ]
    header = [
        "number",
        "issued_on",
        "due_on",
        "siren",
        "customer",
        "kind",
        "year",
        "total",
        "credited",
        "paid",
        "outstanding",
        "status",
    ]
    return _csv(header, rows)


async def payments_csv(uow: BillingUnitOfWork, start: date, end: date) -> str:
    """F7: payments received in [start, end] and the invoices they were allocated to."""
    payments = await uow.payments.list_payments(PaymentFilter(received_from=start, received_to=end))
    allocations = await uow.payments.list_allocations(payment_ids=[p.id for p in payments])
    numbers: dict[object, list[str]] = {}
    for a in allocations:
        numbers.setdefault(a.payment_id, []).append(a.invoice_number)
    rows = [
        [
            p.bank_reference,
            p.received_on.isoformat(),
            p.method,
            format_fr(p.amount),
            format_fr(p.allocated),
            format_fr(p.unallocated),
            " ".join(numbers.get(p.id, [])),
            p.payer_reference,
            p.payer or "",
        ]
        for p in payments
    ]
    header = [
        "bank_reference",
        "received_on",
        "method",
        "amount",
        "allocated",
        "unallocated",
        "invoices",
        "payer_reference",
        "payer",
    ]
    return _csv(header, rows)
