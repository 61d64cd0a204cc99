"""F7: the PDF engine of billing's documents: PDF/A-3B, reproducible byte for byte.

PDF/A asks for every font embedded (DejaVu Sans ships with this package: the PDF core fonts
are not embedded, and speak only Windows-1252) and for an output intent with its ICC profile
(fpdf2 adds its sRGB profile when PDF/A is enforced). The XMP metadata is written here with the
document's own creation date, so that the same document always makes the same bytes; the
Factur-X step replaces it with its own, which also says PDF/A-3.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape
from importlib import resources

from fpdf import FPDF

FONT_FAMILY = "DejaVuSans"
_FONTS = resources.files("billing.formats") / "fonts"
PRODUCER = "Cap Métiers billing"


def xmp_metadata(*, title: str, author: str, subject: str, created_at: datetime) -> str:
    """The PDF/A-3B identification and Dublin Core of a document, dated ``created_at``."""
    stamp = created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    title, author, subject = escape(title), escape(author), escape(subject)
    return f"""<x:xmpmeta xmlns:x="adobe:ns:meta/">
  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
    <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
      <pdfaid:part>3</pdfaid:part>
      <pdfaid:conformance>B</pdfaid:conformance>
    </rdf:Description>
    <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
      <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
      <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
    </rdf:Description>
    <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
      <pdf:Producer>{PRODUCER}</pdf:Producer>
    </rdf:Description>
    <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
      <xmp:CreatorTool>{PRODUCER}</xmp:CreatorTool>
      <xmp:CreateDate>{stamp}</xmp:CreateDate>
      <xmp:ModifyDate>{stamp}</xmp:ModifyDate>
      <xmp:MetadataDate>{stamp}</xmp:MetadataDate>
    </rdf:Description>
  </rdf:RDF>
</x:xmpmeta>"""


class DocumentPdf(FPDF):
    """An A4 page of billing's documents: two address blocks, a title, tables, mentions."""

    def __init__(self, *, title: str, author: str, subject: str, created_at: datetime) -> None:
        super().__init__(format="A4", enforce_compliance="PDFA_3B")
        for style, name in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf")):
            with resources.as_file(_FONTS / name) as path:
                self.add_font(FONT_FAMILY, style, str(path))
        self.set_creation_date(created_at)
        self.set_title(title)
        self.set_author(author)
        self.set_subject(subject)
        self.set_creator(PRODUCER)
        self.set_producer(PRODUCER)
        self.set_lang("fr-FR")
        self.set_xmp_metadata(
            xmp_metadata(title=title, author=author, subject=subject, created_at=created_at)
        )
        self.set_auto_page_break(auto=True, margin=15)
        self.add_page()

    @property
    def width(self) -> float:
        return float(self.w - self.l_margin - self.r_margin)

    def font(self, size: float = 10, bold: bool = False) -> None:
        self.set_font(FONT_FAMILY, "B" if bold else "", size)

    def line_of_text(self, text: str, *, size: float = 10, bold: bool = False) -> None:
        self.font(size, bold)
        self.multi_cell(self.width, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")

    def blocks(self, left: Sequence[str], right_title: str, right: Sequence[str]) -> None:
        """The sender's block on the left, the addressee's on the right."""
        half = self.width / 2
        top = self.get_y()
        for index, text in enumerate(left):
            self.font(12 if index == 0 else 9, bold=index == 0)
            self.cell(half, 5, text, new_x="LMARGIN", new_y="NEXT")
        bottom = self.get_y()
        self.set_xy(self.l_margin + half, top)
        self.font(10, bold=True)
        self.cell(half, 5, right_title, new_x="LEFT", new_y="NEXT")
        self.font(10)
        for text in right:
            self.cell(half, 5, text, new_x="LEFT", new_y="NEXT")
        self.set_xy(self.l_margin, max(bottom, self.get_y()) + 6)

    def grid(
        self, headers: Sequence[str], rows: Sequence[Sequence[str]], shares: Sequence[float]
    ) -> None:
        widths = [self.width * share for share in shares]
        aligns = ["L", *["R"] * (len(headers) - 1)]
        self.font(10, bold=True)
        for text, width, align in zip(headers, widths, aligns, strict=True):
            self.cell(width, 7, text, border=1, align=align)
        self.ln()
        self.font(10)
        for row in rows:
            for text, width, align in zip(row, widths, aligns, strict=True):
                self.cell(width, 7, text, border=1, align=align)
            self.ln()
        self.ln(2)

    def totals(self, rows: Sequence[tuple[str, str, bool]]) -> None:
        """Label and amount rows aligned right, under a table."""
        for label, amount, bold in rows:
            self.font(10, bold)
            self.cell(self.width * 0.6, 6, "")
            self.cell(self.width * 0.2, 6, label, align="R")
            self.cell(self.width * 0.2, 6, amount, align="R", new_x="LMARGIN", new_y="NEXT")
        self.ln(4)

    def paragraphs(self, texts: Sequence[str], *, size: float = 9) -> None:
        for text in texts:
            self.line_of_text(text, size=size)
            self.ln(1)

    def to_bytes(self) -> bytes:
        return bytes(self.output())
