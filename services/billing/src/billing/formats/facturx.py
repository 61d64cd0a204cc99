"""F3, F7, F8: an invoice or credit note as a Factur-X document (profile EN 16931).

A PDF/A-3 a person reads, with every French mention (F3), carrying the CII XML a machine
reads (``factur-x.xml``), the format Chorus Pro accepts for public bodies (F8). The
``factur-x`` library checks the XML against the EN 16931 schema, embeds it and writes the
PDF/A-3 metadata; its dates are then set to the document's creation date, so that the same
document gives the same bytes and can be made once and stored with its checksum.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from facturx import generate_from_binary  # type: ignore[import-untyped]
from lxml import etree  # type: ignore[import-untyped]
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, StreamObject, TextStringObject

from billing.formats.cii import cross_industry_invoice, notes, payment_terms
from billing.formats.document import (
    DocumentInvoice,
    DocumentType,
    day,
    euros,
    quantity_text,
    require_public_body_references,
)
from billing.formats.pdf import DocumentPdf
from shared.errors import InvalidInput

XML_NAME = "factur-x.xml"
LEVEL = "en16931"
XMP_NS = "http://ns.adobe.com/xap/1.0/"
PDF_NS = "http://ns.adobe.com/pdf/1.3/"


@dataclass(frozen=True)
class FacturX:
    file_name: str
    content: bytes
    xml: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def check_exempt_seller(doc: DocumentInvoice) -> None:
    """EN 16931 BR-E-2: an exempt invoice names the seller's VAT or tax registration."""
    if not (doc.seller.vat_id or doc.seller.tax_registration_id):
        raise InvalidInput(
            "The seller's VAT number or tax registration number must be configured: an "
            "exempt invoice in EN 16931 names one of them (rule BR-E-2)."
        )


def _customer_lines(doc: DocumentInvoice) -> list[str]:
    c = doc.customer
    lines = [c.name, c.address.line, f"{c.address.postal_code} {c.address.city}"]
    lines.append(f"SIREN {c.siren}")
    if c.siret:
        lines.append(f"SIRET {c.siret}")
    if c.service_code:
        lines.append(f"Code service : {c.service_code}")
    if c.commitment_number:
        lines.append(f"N° d'engagement : {c.commitment_number}")
    return lines


def _seller_lines(doc: DocumentInvoice) -> list[str]:
    s = doc.seller
    lines = [s.name, s.legal_form, s.address.line, f"{s.address.postal_code} {s.address.city}"]
    lines.append(f"SIRET {s.siret_display}")
    if s.vat_id:
        lines.append(f"N° TVA {s.vat_id}")
    if s.email:
        lines.append(s.email)
    return lines


def invoice_pdf(doc: DocumentInvoice) -> bytes:
    """The readable document: PDF/A-3B, every F3 mention, the bank details to pay."""
    seller = doc.seller
    pdf = DocumentPdf(
        title=f"{doc.type.title} {doc.number}",
        author=seller.name,
        subject=f"{doc.type.title} {doc.number} - {doc.customer.name}",
        created_at=doc.created_at,
    )
    pdf.blocks(
        _seller_lines(doc),
        "Facturé à :" if doc.type is DocumentType.INVOICE else "Avoir au bénéfice de :",
        _customer_lines(doc),
    )
    pdf.line_of_text(doc.title.upper(), size=16, bold=True)
    if doc.subject:
        pdf.line_of_text(doc.subject)
    dates = f"Date d'émission : {day(doc.issued_on)}"
    if doc.due_on:
        dates += f"    Date d'échéance : {day(doc.due_on)}"
    pdf.line_of_text(dates)
    if doc.corrected_invoice:
        corrected = f"Avoir sur la facture {doc.corrected_invoice}"
        if doc.corrected_invoice_date:
            corrected += f" du {day(doc.corrected_invoice_date)}"
        pdf.line_of_text(corrected + (f" - motif : {doc.reason}" if doc.reason else ""))
    pdf.ln(4)
    pdf.grid(
        ("Désignation", "Qté", "Prix unitaire", "Montant"),
        [
            (ln.description, quantity_text(ln.quantity), euros(ln.unit_price), euros(ln.amount))
            for ln in doc.lines
        ],
        (0.55, 0.1, 0.17, 0.18),
    )
    zero = euros(doc.total - doc.total)
    pdf.totals(
        [
            ("Total HT", euros(doc.total), False),
            ("TVA", zero, False),
            ("Total TTC", euros(doc.total), True),
            (
                "Net à payer" if doc.type is DocumentType.INVOICE else "Montant de l'avoir",
                euros(doc.total),
                True,
            ),
        ]
    )
    if doc.type is DocumentType.INVOICE:
        pdf.paragraphs(
            [
                f"Règlement par virement : IBAN {seller.bank.iban_display} - BIC {seller.bank.bic}",
                f"Référence de paiement à indiquer : {doc.reference_for_payment}",
            ],
            size=10,
        )
    pdf.paragraphs([payment_terms(doc)])
    pdf.paragraphs([text for subject, text in notes(doc) if subject not in ("REG", "AAI")])
    return pdf.to_bytes()


def _stamp(pdf: bytes, created_at: datetime) -> bytes:
    """Set every date the Factur-X step wrote (document information, XMP, embedded file) to
    the document's creation date."""
    utc = created_at.astimezone(UTC)
    pdf_date = TextStringObject(utc.strftime("D:%Y%m%d%H%M%S+00'00'"))
    xmp_date = utc.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    header = pdf[: pdf.index(b"\n")].strip()
    writer.pdf_header = header.decode("ascii")
    writer.add_metadata({"/CreationDate": pdf_date, "/ModDate": pdf_date})
    root = writer.root_object
    metadata = root["/Metadata"].get_object()
    assert isinstance(metadata, StreamObject)
    xmp = etree.fromstring(metadata.get_data())
    for tag in ("CreateDate", "ModifyDate", "MetadataDate"):
        for element in xmp.iter(f"{{{XMP_NS}}}{tag}"):
            element.text = xmp_date
    keywords = writer.metadata.get("/Keywords") if writer.metadata else None
    for producer in xmp.iter(f"{{{PDF_NS}}}Producer"):
        if keywords and producer.getparent().find(f"{{{PDF_NS}}}Keywords") is None:
            # the document information's keywords have their XMP twin, as PDF/A requires
            etree.SubElement(producer.getparent(), f"{{{PDF_NS}}}Keywords").text = str(keywords)
    # the tree, not the root: the xpacket wrapper around it stays
    metadata.set_data(etree.tostring(xmp.getroottree(), encoding="UTF-8"))
    names: Any = root["/Names"]
    for filespec in list(names["/EmbeddedFiles"]["/Names"])[1::2]:
        params = filespec.get_object()["/EF"]["/F"].get_object()["/Params"]
        assert isinstance(params, DictionaryObject)
        params[NameObject("/ModDate")] = pdf_date
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def factur_x(doc: DocumentInvoice) -> FacturX:
    """The Factur-X file of an invoice (380) or a credit note (381)."""
    require_public_body_references(doc.customer)
    check_exempt_seller(doc)
    xml = cross_industry_invoice(doc)
    readable = invoice_pdf(doc)
    combined = generate_from_binary(
        readable,
        xml,
        flavor="factur-x",
        level=LEVEL,
        check_xsd=True,
        pdf_metadata={
            "author": doc.seller.name,
            "keywords": "Factur-X, " + doc.type.title,
            "title": f"{doc.seller.name} : {doc.type.title} {doc.number}",
            "subject": f"{doc.type.title} {doc.number} du {day(doc.issued_on)}, "
            f"{doc.customer.name}",
        },
        lang="fr-FR",
    )
    return FacturX(
        file_name=f"{doc.number}.pdf", content=_stamp(bytes(combined), doc.created_at), xml=xml
    )
