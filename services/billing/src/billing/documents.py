"""F3/F7: an invoice as a PDF document (fpdf2) carrying every mention French law requires."""

from __future__ import annotations

import unicodedata

from fpdf import FPDF

from billing.domain.invoices import Line
from billing.domain.mentions import Seller, customer_block, legal_mentions, seller_block
from billing.domain.money import format_eur
from billing.repositories.records import CreditNoteRecord, InvoiceRecord

KIND_TITLE = {
    "membership_new": "Cotisation - nouvelle adhésion",
    "membership_renewal": "Cotisation - renouvellement",
    "plan_upgrade": "Cotisation - changement d'offre",
    "auditorium": "Location de l'auditorium",
}


#: The built-in PDF fonts speak Windows-1252: French text and the euro sign, not all of Unicode.
PDF_ENCODING = "cp1252"


class _InvoicePdf(FPDF):
    """A document whose text never makes it fail: what the core fonts cannot print (a customer
    name or credit-note reason in another script, an arrow...) is folded to its compatibility
    form (NFKC) and otherwise printed as "?". An issued invoice never changes, so a character it
    holds must not make its PDF impossible for good."""

    def normalize_text(self, text: str) -> str:
        folded = unicodedata.normalize("NFKC", text)
        printable = folded.encode(PDF_ENCODING, "replace").decode(PDF_ENCODING)
        return super().normalize_text(printable)


def invoice_pdf(
    seller: Seller,
    invoice: InvoiceRecord,
    lines: list[Line],
    credit_notes: list[CreditNoteRecord],
) -> bytes:
    pdf = _InvoicePdf(format="A4")
    pdf.core_fonts_encoding = PDF_ENCODING
    pdf.set_compression(False)
    pdf.set_title(f"Facture {invoice.number}")
    pdf.set_author(seller.name)
    pdf.set_subject(f"Facture {invoice.number} - {invoice.customer.legal_name}")
    pdf.set_creator(seller.name)
    pdf.add_page()
    pdf.set_auto_page_break(auto=True, margin=15)
    width = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.set_font("helvetica", "B", 12)
    for index, text in enumerate(seller_block(seller)):
        if index == 1:
            pdf.set_font("helvetica", "", 9)
        pdf.cell(width / 2, 5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    top = pdf.get_y()
    pdf.set_xy(pdf.l_margin + width / 2, top)
    pdf.set_font("helvetica", "B", 10)
    pdf.cell(width / 2, 5, "Facturé à :", new_x="LEFT", new_y="NEXT")
    pdf.set_font("helvetica", "", 10)
    for text in customer_block(invoice.customer):
        pdf.cell(width / 2, 5, text, new_x="LEFT", new_y="NEXT")
    pdf.set_x(pdf.l_margin)
    pdf.ln(6)

    pdf.set_font("helvetica", "B", 16)
    pdf.cell(width, 9, f"FACTURE N° {invoice.number}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 10)
    pdf.cell(width, 5, KIND_TITLE.get(invoice.kind, invoice.kind), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(
        width,
        5,
        f"Date d'émission : {invoice.issued_on:%d/%m/%Y}    "
        f"Date d'échéance : {invoice.due_on:%d/%m/%Y}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)

    columns = (width * 0.55, width * 0.1, width * 0.17, width * 0.18)
    pdf.set_font("helvetica", "B", 10)
    for text, w, align in zip(
        ("Désignation", "Qté", "Prix unitaire", "Montant"),
        columns,
        ("L", "R", "R", "R"),
        strict=True,
    ):
        pdf.cell(w, 7, text, border=1, align=align)
    pdf.ln()
    pdf.set_font("helvetica", "", 10)
    for line in lines:
        values = (
            line.description,
            str(line.quantity),
            format_eur(line.unit_price),
            format_eur(line.amount),
        )
        for text, w, align in zip(values, columns, ("L", "R", "R", "R"), strict=True):
            pdf.cell(w, 7, text, border=1, align=align)
        pdf.ln()
    pdf.ln(2)

    def total_row(label: str, amount: str, bold: bool = False) -> None:
        pdf.set_font("helvetica", "B" if bold else "", 10)
        pdf.cell(columns[0] + columns[1], 6, "")
        pdf.cell(columns[2], 6, label, align="R")
        pdf.cell(columns[3], 6, amount, align="R", new_x="LMARGIN", new_y="NEXT")

    total_row("Total HT", format_eur(invoice.total))
    total_row("TVA", format_eur(invoice.total - invoice.total))
    total_row("Total TTC", format_eur(invoice.total), bold=True)
    total_row("Net à payer", format_eur(invoice.total), bold=True)
    for note in credit_notes:
        pdf.set_font("helvetica", "I", 9)
        pdf.cell(
            width,
            5,
            f"Avoir {note.number} du {note.issued_on:%d/%m/%Y} : {format_eur(note.amount)} "
            f"({note.reason})",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(4)

    pdf.set_font("helvetica", "", 9)
    pdf.multi_cell(
        width,
        5,
        f"Merci d'indiquer le numéro {invoice.number} dans la référence de votre virement.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for text in legal_mentions(seller, professional_customer=True):
        pdf.multi_cell(width, 5, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
