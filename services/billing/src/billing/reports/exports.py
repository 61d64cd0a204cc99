"""F7: the accounting exports: the FEC of a fiscal year, invoices and payments as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

from billing.domain import fec
from billing.domain.money import format_fr
from billing.formats.fec_check import check_fec
from billing.repositories.records import InvoiceFilter, PaymentFilter
from billing.unit_of_work import BillingUnitOfWork


async def fec_export(uow: BillingUnitOfWork, year: int) -> tuple[str, str]:
    """F7: the FEC of fiscal year ``year``, (file name, text), rendered from the entries as
    posted, and checked against the administration's rules before it leaves."""
    _start, end = fec.fiscal_year(year)
    name = fec.file_name(uow.settings.seller_identity().siren, end)
    text = fec.render(await uow.ledger.fec_rows(year))
    check_fec(text, name)
    return name, text


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
