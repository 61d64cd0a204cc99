"""B3, F1: auditorium dates invoiced per date, credited when cancelled before their day.

Each handler first merges its event into the date's row (which locks it: the two events of
one booking apply one after the other), then does what the row now calls for. The business
key is the booking: one invoice per booking (``(auditorium, booking id)`` is unique), one
credit note per booking (the row keeps it), so a re-delivery changes nothing. Lock order: the
date's row, then the numbering counters, then the invoice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from billing.domain.auditorium import auditorium_line, cancelled_before_its_day
from billing.domain.money import ZERO
from billing.repositories.records import AuditoriumDate, AuditoriumRecord, CustomerRecord
from billing.use_cases.invoices import issue_credit_note
from billing.use_cases.issuing import IssueRequest, issue_invoice, issue_invoices
from billing.use_cases.ports import BillingWork
from shared.contracts.membership import CustomerDetails
from shared.messaging.batches import Delivery

#: Who issues the credit notes of dates cancelled in time (``created_by``).
BY = "billing:B3"


def details_of(customer: CustomerRecord) -> CustomerDetails:
    """The customer billing knows, as the membership events described it."""
    return CustomerDetails(
        siren=customer.siren,
        siret=customer.siret,
        legal_name=customer.legal_name,
        address_line=customer.address_line,
        postal_code=customer.postal_code,
        city=customer.city,
        insee_code=customer.insee_code,
        public_body=customer.public_body,
        email=customer.email,
        chorus_service_code=customer.chorus_service_code,
        chorus_commitment_number=customer.chorus_commitment_number,
        chorus_service_code_required=customer.chorus_service_code_required,
        chorus_commitment_required=customer.chorus_commitment_required,
    )


def _request(
    row: AuditoriumRecord, customer: CustomerDetails, caused_by: Delivery[Any] | None = None
) -> IssueRequest:
    assert row.amount is not None
    return IssueRequest(
        kind="auditorium",
        subject_id=row.booking_id,
        membership_id=None,
        customer=customer,
        year=row.booked_on.year,
        plan=None,
        lines=[
            auditorium_line(
                row.resource_name, row.booked_on, row.starts_at, row.ends_at, row.amount
            )
        ],
        caused_by=caused_by,
    )


async def _invoice(uow: BillingWork, row: AuditoriumRecord, customer: CustomerRecord) -> None:
    invoice_id, _issued = await issue_invoice(uow, _request(row, details_of(customer)))
    await uow.auditorium.set_invoice(row.booking_id, invoice_id)


def _to_invoice(row: AuditoriumRecord) -> bool:
    """Booked at a price, not invoiced yet, not cancelled before its day."""
    if row.invoice_id is not None or row.amount is None or row.amount <= ZERO:
        return False
    return row.cancelled_at is None or not cancelled_before_its_day(row.cancelled_at, row.booked_on)


async def record_auditorium_booked(
    uow: BillingWork, booking: AuditoriumDate, *, amount: Decimal, booked_at: datetime
) -> None:
    """B3: the date's invoice, at the price booking gave; it waits while the structure is
    unknown to billing, and is never issued for a date cancelled before its day."""
    row = await uow.auditorium.record_booked(
        booking, amount=amount, booked_at=booked_at, now=uow.clock.now()
    )
    if not _to_invoice(row):
        return
    customer = await uow.projections.get_customer(row.siren)
    if customer is None:
        return  # invoiced by invoice_waiting_dates once membership names the structure
    await _invoice(uow, row, customer)


async def record_auditorium_cancelled(
    uow: BillingWork, booking: AuditoriumDate, *, cancelled_at: datetime, reason: str
) -> None:
    """B3, B9: a date cancelled before its day is credited, once."""
    row = await uow.auditorium.record_cancelled(
        booking, cancelled_at=cancelled_at, reason=reason, now=uow.clock.now()
    )
    if row.invoice_id is None or row.credit_note_id is not None or row.amount is None:
        return
    if row.cancelled_at is None or not cancelled_before_its_day(row.cancelled_at, row.booked_on):
        return  # cancelled on or after its day: still due
    invoice = await uow.invoices.get_invoice(row.invoice_id)
    assert invoice is not None
    creditable = invoice.total - invoice.credited
    if creditable <= ZERO:
        return  # finance cancelled it in full already
    note = await issue_credit_note(
        uow,
        invoice.id,
        amount=min(row.amount, creditable),
        reason=f"Annulation de la date du {row.booked_on:%d/%m/%Y} avant son jour (B3)",
        by=BY,
    )
    await uow.auditorium.set_credit_note(row.booking_id, note.id)


async def issue_with_waiting_dates(uow: BillingWork, requests: Sequence[IssueRequest]) -> None:
    """F1, B3: the requests' invoices, and before them those of the auditorium dates of the
    structures they name that waited for billing to know them (each addressed as the first
    request naming its structure describes it). One issue for all: the dates' rows are locked
    first, then the customers, then the numbering counter, as in the booking handlers."""
    first: dict[str, IssueRequest] = {}
    for request in requests:
        first.setdefault(request.customer.siren, request)
    waiting = [r for r in await uow.auditorium.waiting_of(list(first)) if _to_invoice(r)]
    dates = [_request(r, first[r.siren].customer, first[r.siren].caused_by) for r in waiting]
    issued = await issue_invoices(uow, [*dates, *requests])
    for row, (invoice_id, _issued) in zip(waiting, issued, strict=False):
        await uow.auditorium.set_invoice(row.booking_id, invoice_id)
