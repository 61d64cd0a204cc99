"""F3, F7, F8: each document frozen when it is issued, its file made once, and the Chorus Pro
references finance records for a public body's documents that wait for them.

Freezing is part of the issuing transaction (a source row, written with the invoice or credit
note): what the document says is then fixed, whatever the settings or the customer become.
Making its file is not: it takes about a second of CPU, which an issuing transaction (holding
the year's counter lock) cannot afford; :func:`produce_documents` makes the files of the
sources that have none, for whoever calls it (the worker's job, a request asking first).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Literal
from uuid import UUID

from billing.documents.render import References, RenderedFile
from billing.documents.sources import (
    credit_note_document,
    decode_invoice,
    document_customer,
    encode_invoice,
    invoice_document,
    missing_references,
    with_references,
)
from billing.domain.invoices import Line
from billing.formats.document import DocumentInvoice, DocumentSeller
from billing.repositories.document_records import DocumentFilter, DocumentRecord, NewDocumentSource
from billing.repositories.records import (
    CreditNoteRecord,
    CustomerRecord,
    InvoiceRecord,
    NewCreditNote,
    NewInvoice,
)
from billing.settings import BillingSettings
from billing.use_cases.ports import BillingWork
from shared.errors import InvalidInput, NotFound, RuleViolated

#: Makes the file of a document (in a worker thread or a process pool: it is CPU-bound).
Renderer = Callable[[DocumentRecord], Awaitable[RenderedFile]]


def _frozen(
    doc: DocumentInvoice,
    *,
    kind: Literal["invoice", "credit_note"],
    document_id: UUID,
    invoice_id: UUID,
) -> NewDocumentSource:
    public = doc.customer.public_body
    return NewDocumentSource(
        document_id=document_id,
        kind=kind,
        number=doc.number,
        invoice_id=invoice_id,
        siren=doc.customer.siren,
        issued_on=doc.issued_on,
        public_body=public,
        awaiting_references=public and bool(missing_references(doc.customer)),
        source=encode_invoice(doc),
        created_at=doc.created_at,
    )


def invoice_source(
    settings: BillingSettings,
    invoice: NewInvoice,
    lines: list[Line],
    customer: CustomerRecord | None,
    seller: DocumentSeller | None = None,
) -> NewDocumentSource:
    """F3, F8: what the invoice's document says: the seller of the settings of the day
    (``seller``, made once for many invoices), the customer as the invoice names it with its
    Chorus Pro references. Built before the number is known (outside the counter's lock), then
    :func:`numbered`."""
    doc = invoice_document(
        settings,
        number=invoice.number,
        kind=invoice.kind,
        customer=document_customer(
            invoice.customer,
            service_code=customer.chorus_service_code if customer else None,
            commitment_number=customer.chorus_commitment_number if customer else None,
            service_code_required=bool(customer and customer.chorus_service_code_required),
            commitment_required=bool(customer and customer.chorus_commitment_required),
        ),
        lines=lines,
        total=invoice.total,
        issued_on=invoice.issued_on,
        due_on=invoice.due_on,
        created_at=invoice.created_at,
        seller=seller,
    )
    return _frozen(doc, kind="invoice", document_id=invoice.id, invoice_id=invoice.id)


def numbered(source: NewDocumentSource, number: str) -> NewDocumentSource:
    """The source with the number the invoice was given."""
    return replace(source, number=number, source={**source.source, "number": number})


async def freeze_invoice(
    uow: BillingWork, invoice: NewInvoice, lines: list[Line], customer: CustomerRecord | None
) -> None:
    await uow.documents.add_source(invoice_source(uow.settings, invoice, lines, customer))


async def invoice_as_issued(uow: BillingWork, invoice: InvoiceRecord) -> DocumentInvoice:
    """The invoice's document as frozen, with the references recorded for it since (F8).

    An invoice issued before documents were frozen is frozen now, from its own row and lines
    (its customer as printed, the settings of today): once, like any other."""
    stored = await uow.documents.invoice_document(invoice.id)
    if stored is not None:
        doc = decode_invoice(stored.source)
        refs = stored.references
        if refs is None:
            return doc
        return with_references(
            doc,
            siret=refs.siret,
            service_code=refs.service_code,
            commitment_number=refs.commitment_number,
        )
    lines = await uow.invoices.lines_of(invoice.id)
    record = await uow.projections.get_customer(invoice.siren)
    await freeze_invoice(
        uow,
        NewInvoice(
            id=invoice.id,
            number=invoice.number,
            series_year=invoice.issued_on.year,
            sequence=0,
            kind=invoice.kind,
            subject_id=invoice.subject_id,
            membership_id=invoice.membership_id,
            customer=invoice.customer,
            year=invoice.year,
            plan=invoice.plan,
            issued_on=invoice.issued_on,
            due_on=invoice.due_on,
            total=invoice.total,
            created_at=invoice.created_at or uow.clock.now(),
        ),
        lines,
        record,
    )
    return await invoice_as_issued(uow, invoice)


async def freeze_credit_note(uow: BillingWork, invoice: InvoiceRecord, note: NewCreditNote) -> None:
    """F2, F3: the credit note's document names the invoice it corrects and its customer."""
    corrected = await invoice_as_issued(uow, invoice)
    doc = credit_note_document(
        uow.settings,
        corrected,
        number=note.number,
        amount=note.amount,
        reason=note.reason,
        issued_on=note.issued_on,
        created_at=note.created_at,
    )
    await uow.documents.add_source(
        _frozen(doc, kind="credit_note", document_id=note.id, invoice_id=invoice.id)
    )


async def credit_note_document_of(uow: BillingWork, note: CreditNoteRecord) -> DocumentRecord:
    """The credit note's frozen document (one issued before documents were frozen: now)."""
    stored = await uow.documents.get_document(note.id, content=False)
    if stored is not None:
        return stored
    invoice = await uow.invoices.get_invoice(note.invoice_id)
    assert invoice is not None
    await freeze_credit_note(
        uow,
        invoice,
        NewCreditNote(
            id=note.id,
            number=note.number,
            series_year=note.issued_on.year,
            sequence=0,
            invoice_id=note.invoice_id,
            siren=note.siren,
            amount=note.amount,
            reason=note.reason,
            cancels_invoice=note.cancels_invoice,
            issued_on=note.issued_on,
            created_at=note.created_at or uow.clock.now(),
            created_by="",
        ),
    )
    frozen = await uow.documents.get_document(note.id, content=False)
    assert frozen is not None
    return frozen


async def invoice_document_of(uow: BillingWork, invoice: InvoiceRecord) -> DocumentRecord:
    """The invoice's frozen document (one issued before documents were frozen: now)."""
    await invoice_as_issued(uow, invoice)
    stored = await uow.documents.invoice_document(invoice.id)
    assert stored is not None
    return stored


async def produce_documents(
    uow: BillingWork,
    render: Renderer,
    *,
    limit: int = 1,
    where: DocumentFilter | None = None,
) -> int:
    """Make the files of up to ``limit`` documents that have none (of those ``where`` names;
    locked while made, so that two producers never make one twice); returns how many."""
    made = 0
    for document in await uow.documents.claim_producible(limit, where):
        file = await render(document)
        made += await uow.documents.store_file(document.document_id, file, uow.clock.now())
    return made


@dataclass
class ReferencesOutcome:
    customer: CustomerRecord
    #: Documents whose references are now complete: their files can be made.
    released: list[str] = field(default_factory=list)
    #: Documents still lacking a reference, and what.
    still_waiting: dict[str, list[str]] = field(default_factory=dict)


async def record_chorus_references(
    uow: BillingWork,
    siren: str,
    *,
    siret: str | None,
    service_code: str | None,
    commitment_number: str | None,
    by: str,
) -> ReferencesOutcome:
    """F8: finance records a public body's Chorus Pro references. They apply to its documents
    waiting for them (issued without, never made) and to every later invoice; a document made
    already never changes."""
    if siret is None and service_code is None and commitment_number is None:
        raise InvalidInput("Give the SIRET, the service code or the commitment number to record.")
    if siret is not None and not siret.startswith(siren):
        raise InvalidInput(f"SIRET {siret} is not an establishment of SIREN {siren}.")
    known = await uow.projections.get_customer(siren)
    if known is None:
        raise NotFound("Customer", siren)
    if not known.public_body:
        raise RuleViolated(
            "F8",
            f"{known.legal_name} is not a public body: it is not invoiced through Chorus Pro.",
        )
    customer = await uow.projections.record_chorus_references(
        siren,
        siret=siret,
        service_code=service_code,
        commitment_number=commitment_number,
        now=uow.clock.now(),
    )
    assert customer is not None
    outcome = ReferencesOutcome(customer)
    refs = References(
        siret=customer.siret,
        service_code=customer.chorus_service_code,
        commitment_number=customer.chorus_commitment_number,
    )
    waiting = await uow.documents.list_documents(
        DocumentFilter(siren=siren, waiting_for_references=True)
    )
    for document in waiting:
        doc = with_references(
            decode_invoice(document.source),
            siret=refs.siret,
            service_code=refs.service_code,
            commitment_number=refs.commitment_number,
        )
        missing = missing_references(doc.customer)
        await uow.documents.add_references(
            document.document_id, refs, complete=not missing, at=uow.clock.now(), by=by
        )
        if missing:
            outcome.still_waiting[document.number] = missing
        else:
            outcome.released.append(document.number)
    return outcome


def waiting_problem(document: DocumentRecord) -> RuleViolated:
    """F8: the problem of asking for a document that waits for a Chorus Pro reference."""
    missing = missing_references(decode_invoice(document.source).customer)
    return RuleViolated(
        "F8",
        f"{document.number} is addressed to a public body invoiced through Chorus Pro and lacks "
        + " and ".join(missing)
        + f": record it with PUT /customers/{document.siren}/chorus, then the document is made.",
        number=document.number,
        siren=document.siren,
        missing=missing,
    )
