"""Issuing invoices (F1, F2): one, or the hundreds of a renewal campaign in one transaction.

The year's counter row is locked, then numbers are taken only for the requests whose business
key has no invoice (checked after the lock was granted): numbers follow each other with no gap,
and a second delivery (even under another message id, even at the same time) finds the first
invoice. Everything that needs no number — the check of a redelivery, the customers, the
frozen documents' sources — is done before the lock; under it run a few statements whatever
the number of invoices (``repositories/issuing_sql``): the counter advanced once, the invoices,
their lines, dues keys and states, their sources and their ledger entries each written by one
multi-row statement, their ``InvoiceIssued`` events by the outbox's one. A transaction issuing
a batch holds the lock about as long as one issuing one invoice, so a campaign's invoices are
issued at the rate of those statements, not of a commit each.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

from billing.documents.sources import seller_of
from billing.domain import fec
from billing.domain.invoices import DUES_KINDS, InvoiceKind, Line, due_date, total_of
from billing.domain.mentions import Customer
from billing.domain.numbering import Series, format_number, next_sequence
from billing.repositories.document_records import NewDocumentSource
from billing.repositories.records import (
    CustomerRecord,
    IssueKey,
    NewInvoice,
    NewIssue,
    aggregate_ref,
)
from billing.use_cases.documents import invoice_source, numbered
from billing.use_cases.ledger import post_many
from billing.use_cases.ports import BillingWork
from shared.contracts.billing import InvoiceIssued
from shared.contracts.membership import CustomerDetails
from shared.messaging.batches import Delivery


@dataclass(frozen=True)
class IssueRequest:
    kind: InvoiceKind
    subject_id: UUID
    membership_id: UUID | None
    customer: CustomerDetails
    year: int
    plan: str | None
    lines: list[Line]
    #: The delivery that asks for it, when many are issued in one transaction: its
    #: ``InvoiceIssued`` is that delivery's consequence (correlation and causation ids).
    caused_by: Delivery[Any] | None = None

    @property
    def key(self) -> IssueKey:
        dues = (self.customer.siren, self.year) if self.kind in DUES_KINDS else None
        return IssueKey(self.kind, self.subject_id, dues)


@dataclass(frozen=True)
class _Draft:
    request: IssueRequest
    invoice: NewInvoice
    source: NewDocumentSource


async def issue_invoice(uow: BillingWork, request: IssueRequest) -> tuple[UUID, bool]:
    """Issue the invoice of ``request`` unless its business key has one already: (id,
    issued)."""
    [issued] = await issue_invoices(uow, [request])
    return issued


async def issue_invoices(
    uow: BillingWork, requests: Sequence[IssueRequest]
) -> list[tuple[UUID, bool]]:
    """Issue the invoice of each request unless its business key has one already — before,
    or earlier in ``requests`` — in their order: for each, (id, issued)."""
    results: dict[int, tuple[UUID, bool]] = {}
    firsts, same_as = _first_of_each_key(requests)
    found = await uow.invoices.find_issued([requests[i].key for i in firsts])
    for i, existing in zip(firsts, found, strict=True):
        if existing is not None:
            results[i] = (existing, False)
    todo = [i for i in firsts if i not in results]
    if todo:
        drafts = await _drafts(uow, [requests[i] for i in todo])
        results.update(zip(todo, await _number_and_issue(uow, drafts), strict=True))
    for i, first in same_as.items():
        results[i] = (results[first][0], False)
    return [results[i] for i in range(len(requests))]


def _first_of_each_key(requests: Sequence[IssueRequest]) -> tuple[list[int], dict[int, int]]:
    """F1: the first request of each business key (subject, dues key), and for each of the
    others the first one it shares a key with, whose invoice is its own."""
    owner: dict[tuple[object, ...], int] = {}
    firsts: list[int] = []
    same_as: dict[int, int] = {}
    for i, request in enumerate(requests):
        key = request.key
        names = [(key.kind, key.subject_id)] + ([(key.kind, *key.dues)] if key.dues else [])
        earlier = next((owner[n] for n in names if n in owner), None)
        if earlier is None:
            firsts.append(i)
            owner.update(dict.fromkeys(names, i))
        else:
            same_as[i] = earlier
    return firsts, same_as


async def _customers(uow: BillingWork, details: Sequence[CustomerDetails]) -> list[CustomerRecord]:
    """Each request's customer as membership describes it now (F1, F8); a structure named by
    two requests is written twice, in their order."""
    now = uow.clock.now()
    known: dict[int, CustomerRecord] = {}
    left = list(range(len(details)))
    while left:
        seen: set[str] = set()
        this_round: list[int] = []
        later: list[int] = []
        for i in left:
            (later if details[i].siren in seen else this_round).append(i)
            seen.add(details[i].siren)
        written = await uow.projections.upsert_customers([details[i] for i in this_round], now)
        known.update(zip(this_round, written, strict=True))
        left = later
    return [known[i] for i in range(len(details))]


async def _drafts(uow: BillingWork, requests: Sequence[IssueRequest]) -> list[_Draft]:
    """The invoices and their documents' sources, but for their numbers (F3, F8)."""
    now, today = uow.clock.now(), uow.clock.today()
    due_on = due_date(today, uow.settings.invoicing.payment_terms_days)
    drafts = []
    seller = seller_of(uow.settings)
    known = await _customers(uow, [r.customer for r in requests])
    for request, customer in zip(requests, known, strict=True):
        c = request.customer
        invoice = NewInvoice(
            id=uuid.uuid4(),
            number="",
            series_year=today.year,
            sequence=0,
            kind=request.kind,
            subject_id=request.subject_id,
            membership_id=request.membership_id,
            customer=Customer(
                siren=c.siren,
                legal_name=c.legal_name,
                address_line=c.address_line,
                postal_code=c.postal_code,
                city=c.city,
                siret=c.siret,
                public_body=c.public_body,
            ),
            year=request.year,
            plan=request.plan,
            issued_on=today,
            due_on=due_on,
            total=total_of(request.lines),
            created_at=now,
        )
        source = invoice_source(uow.settings, invoice, request.lines, customer, seller)
        drafts.append(_Draft(request, invoice, source))
    return drafts


async def _number_and_issue(uow: BillingWork, drafts: Sequence[_Draft]) -> list[tuple[UUID, bool]]:
    """F2: under the year's counter lock, number the drafts whose key has no invoice yet (a
    concurrent delivery may have issued one meanwhile) and write them with their sources,
    ledger entries and events."""
    repo, today = uow.invoices, uow.clock.today()
    last = await repo.lock_sequence(Series.INVOICE, today.year)
    found, advanced = await repo.advance_unless_issued(
        today.year, last, [d.request.key for d in drafts]
    )
    results: list[tuple[UUID, bool]] = []
    issued: list[_Draft] = []
    sequence = last
    for draft, existing in zip(drafts, found, strict=True):
        if existing is not None:  # issued meanwhile by a concurrent delivery
            results.append((existing, False))
            continue
        sequence = next_sequence(sequence)
        number = format_number(Series.INVOICE, today.year, sequence)
        invoice = replace(draft.invoice, number=number, sequence=sequence)
        issued.append(replace(draft, invoice=invoice, source=numbered(draft.source, number)))
        results.append((invoice.id, True))
    assert sequence == advanced, "the numbers taken are the numbers written"
    if not issued:
        return results
    revisions = await repo.insert_invoices(
        [
            NewIssue(d.invoice, d.request.lines, claims_dues_key=d.request.key.dues is not None)
            for d in issued
        ]
    )
    await uow.documents.add_sources([d.source for d in issued])
    await post_many(
        uow,
        [
            fec.sale_entry(
                d.invoice.number,
                today,
                d.invoice.kind,
                fec.Party(d.invoice.customer.siren, d.invoice.customer.legal_name),
                d.invoice.total,
                d.invoice.id,
            )
            for d in issued
        ],
        source_kind="invoice",
        source_ids=[d.invoice.id for d in issued],
    )
    for draft, revision in zip(issued, revisions, strict=True):
        invoice, request = draft.invoice, draft.request
        if request.caused_by is not None:
            request.caused_by.bind()
        uow.outbox.add(
            InvoiceIssued(
                invoice_id=invoice.id,
                number=invoice.number,
                siren=invoice.customer.siren,
                kind=invoice.kind,
                subject_id=invoice.subject_id,
                year=invoice.year,
                total=invoice.total,
                issued_on=today,
                due_on=invoice.due_on,
            ),
            aggregate_ref(revision),
        )
    return results
