"""F7: the accounting exports: the FEC of a fiscal year, invoices and payments as CSV a
French spreadsheet opens as it is (UTF-8 with BOM, ``;``, comma decimals, JJ/MM/AAAA)."""

from __future__ import annotations

from datetime import date

from billing.domain import fec
from billing.formats.fec_check import check_fec
from billing.formats.spreadsheet import spreadsheet_csv
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


async def invoices_csv(uow: BillingUnitOfWork, start: date, end: date) -> bytes:
    """F7: invoices issued in [start, end], as a French spreadsheet opens them."""
    today = uow.clock.today()
    found = await uow.invoices.list_invoices(InvoiceFilter(issued_from=start, issued_to=end))
    return spreadsheet_csv(
        (
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
        ),
        [
            (
                i.number,
                i.issued_on,
                i.due_on,
                i.siren,
                i.customer.legal_name,
                i.kind,
                i.year,
                i.total,
                i.credited,
                i.paid,
                i.balance.outstanding,
                i.status(today).value,
            )
            for i in found
        ],
    )


async def payments_csv(uow: BillingUnitOfWork, start: date, end: date) -> bytes:
    """F7: payments received in [start, end] and the invoices they were allocated to."""
    payments = await uow.payments.list_payments(PaymentFilter(received_from=start, received_to=end))
    allocations = await uow.payments.list_allocations(payment_ids=[p.id for p in payments])
    numbers: dict[object, list[str]] = {}
    for a in allocations:
        numbers.setdefault(a.payment_id, []).append(a.invoice_number)
    return spreadsheet_csv(
        (
            "bank_reference",
            "received_on",
            "method",
            "amount",
            "allocated",
            "unallocated",
            "invoices",
            "payer_reference",
            "payer",
        ),
        [
            (
                p.bank_reference,
                p.received_on,
                p.method,
                p.amount,
                p.allocated,
                p.unallocated,
                " ".join(numbers.get(p.id, [])),
                p.payer_reference,
                p.payer,
            )
            for p in payments
        ],
    )
