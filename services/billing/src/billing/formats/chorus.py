"""F8: the public-body invoices of a period, ready to deposit on Chorus Pro.

A zip holding each Factur-X file as it was made and stored, and ``manifeste.csv`` listing
each with what Chorus Pro routes it by (the buyer's SIRET, service code and commitment
number), its amount, file name and SHA-256, so that what is deposited can be checked against
what billing issued. The zip is the same bytes for the same documents.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from facturx import get_xml_from_pdf  # type: ignore[import-untyped]
from lxml import etree  # type: ignore[import-untyped]

from billing.formats.cii import NSMAP
from billing.formats.document import (
    DocumentInvoice,
    cents,
    require_public_body_references,
)
from billing.formats.spreadsheet import spreadsheet_csv
from shared.errors import InvalidInput

MANIFEST = "manifeste.csv"
MANIFEST_HEADER = (
    "numero",
    "type",
    "date",
    "siret_acheteur",
    "code_service",
    "numero_engagement",
    "montant",
    "fichier",
    "sha256",
)


@dataclass(frozen=True)
class StoredDocument:
    """An issued document and its Factur-X file as stored when it was made."""

    document: DocumentInvoice
    file_name: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def _check_file(stored: StoredDocument) -> None:
    """The stored file is the Factur-X of this very document."""
    try:
        _name, xml = get_xml_from_pdf(stored.content, check_xsd=False)
        number = etree.fromstring(xml).findtext("rsm:ExchangedDocument/ram:ID", namespaces=NSMAP)
    except Exception:  # the library raises bare exceptions on a PDF without its XML
        number = None
    if number != stored.document.number:
        raise InvalidInput(
            f"The stored file {stored.file_name} is not the Factur-X of {stored.document.number}.",
            number=stored.document.number,
        )


def chorus_deposit(
    documents: Iterable[StoredDocument], *, period_start: date, period_end: date
) -> tuple[str, bytes]:
    """The zip's name and bytes for the public-body documents issued in the period."""
    if period_end < period_start:
        raise InvalidInput("The period ends before it starts.")
    chosen = sorted(
        (
            d
            for d in documents
            if d.document.customer.public_body
            and period_start <= d.document.issued_on <= period_end
        ),
        key=lambda d: d.document.number,
    )
    for stored in chosen:
        require_public_body_references(stored.document.customer)
        _check_file(stored)
    names = [d.file_name for d in chosen]
    if len(set(names)) != len(names):
        raise InvalidInput("Two documents of the deposit have the same file name.")
    manifest = spreadsheet_csv(
        MANIFEST_HEADER,
        [
            (
                d.document.number,
                d.document.type.title,
                d.document.issued_on,
                d.document.customer.siret,
                d.document.customer.service_code,
                d.document.customer.commitment_number,
                cents(d.document.total),
                d.file_name,
                d.sha256,
            )
            for d in chosen
        ],
    )
    # a ZIP entry's date lies in 1980-2107: a period's end outside it (a typing slip) is kept
    # in the file's name, and the entries are dated at the nearest bound
    stamp_day = min(max(period_end, date(1980, 1, 1)), date(2107, 12, 31))
    stamp = (stamp_day.year, stamp_day.month, stamp_day.day, 0, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in [(MANIFEST, manifest), *((d.file_name, d.content) for d in chosen)]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return f"chorus-pro-{period_start:%Y%m%d}-{period_end:%Y%m%d}.zip", buffer.getvalue()
