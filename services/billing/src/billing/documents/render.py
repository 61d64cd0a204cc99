"""F7, F8: the file of a frozen document: a Factur-X PDF/A-3 for an invoice or a credit note,
a PDF/A-3 letter for a reminder. Pure and picklable: a worker thread, a process pool or a
request may run it, and it gives the same bytes for the same source."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Literal

from billing.documents.sources import decode_invoice, decode_letter, with_references
from billing.formats.facturx import factur_x
from billing.formats.reminders import reminder_pdf

DocumentKind = Literal["invoice", "credit_note", "reminder"]
PDF = "application/pdf"


@dataclass(frozen=True)
class References:
    """F8: Chorus Pro references recorded after issue, for a document awaiting them."""

    siret: str | None = None
    service_code: str | None = None
    commitment_number: str | None = None


@dataclass(frozen=True)
class RenderedFile:
    file_name: str
    media_type: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def render(
    kind: DocumentKind,
    number: str,
    source: dict[str, Any],
    references: References | None = None,
) -> RenderedFile:
    """The file of the document ``number`` frozen as ``source``."""
    if kind == "reminder":
        return RenderedFile(f"{number}.pdf", PDF, reminder_pdf(decode_letter(source)))
    doc = decode_invoice(source)
    if references is not None:
        doc = with_references(
            doc,
            siret=references.siret,
            service_code=references.service_code,
            commitment_number=references.commitment_number,
        )
    made = factur_x(doc)
    return RenderedFile(made.file_name, PDF, made.content)
