"""F8: the Chorus Pro deposit of a period: the public bodies' stored Factur-X documents.

Every public-body invoice and credit note issued in the period, as stored (a file not made yet
is made now and stored, as the worker would); a document still waiting for a reference its
customer's Chorus Pro structure requires refuses the export, naming it: Chorus Pro would
refuse the deposit.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from billing.documents.sources import decode_invoice, with_references
from billing.formats.chorus import StoredDocument, chorus_deposit
from billing.production import stored_file
from billing.repositories.document_records import DocumentFilter, DocumentRecord
from billing.repositories.records import InvoiceFilter
from billing.use_cases.documents import invoice_document_of
from shared.errors import RuleViolated

if TYPE_CHECKING:
    from billing.service import BillingRuntime


def _document(record: DocumentRecord) -> StoredDocument:
    doc = decode_invoice(record.source)
    if record.references is not None:
        doc = with_references(
            doc,
            siret=record.references.siret,
            service_code=record.references.service_code,
            commitment_number=record.references.commitment_number,
        )
    assert record.file is not None
    return StoredDocument(doc, record.file.file_name, record.file.content)


async def chorus_export(runtime: BillingRuntime, start: date, end: date) -> tuple[str, bytes]:
    """The zip's file name and bytes (see :func:`billing.formats.chorus.chorus_deposit`)."""
    where = DocumentFilter(
        kinds=("invoice", "credit_note"), public_body=True, issued_from=start, issued_to=end
    )
    async with runtime.transaction() as uow:
        # invoices issued before documents were frozen are frozen now, like any other
        for invoice in await uow.invoices.list_invoices(
            InvoiceFilter(issued_from=start, issued_to=end, public_body=True)
        ):
            await invoice_document_of(uow, invoice)
        documents = await uow.documents.list_documents(where)
    waiting = [d for d in documents if d.waits_for_references]
    if waiting:
        numbers = [d.number for d in waiting]
        raise RuleViolated(
            "F8",
            f"{len(numbers)} public-body document(s) of the period lack a Chorus Pro reference "
            f"their customer requires ({', '.join(numbers[:20])}): record it with "
            "PUT /customers/{siren}/chorus, then export again.",
            numbers=numbers,
        )
    for document in documents:
        if document.file is None:
            await stored_file(runtime, document)
    async with runtime.uow() as uow:
        stored = await uow.documents.list_documents(where, content=True)
    return chorus_deposit([_document(d) for d in stored], period_start=start, period_end=end)
