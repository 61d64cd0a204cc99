"""The closed assembly's records (M11): the attendance sheet and the proxy list, as CSV and PDF.

Made once the assembly is closed and frozen: the same assembly always gives the same bytes (rows
by SIREN, times in UTC, the PDF dated by the closing), and each file carries its SHA-256, which
the use case stores beside it so that a later copy can be checked against the original.

CSV: UTF-8 with a byte order mark and ``;`` separators, as French spreadsheets open them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from fpdf import FPDF

from membership.governance.assembly import Assembly, AssemblyState, ProxyStatus
from shared.errors import Conflict

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
PDF_MEDIA_TYPE = "application/pdf"

#: The core PDF fonts print Windows-1252: French text, not all of Unicode.
_PDF_ENCODING = "cp1252"

ATTENDANCE_COLUMNS = (
    "SIREN",
    "Structure",
    "Représentant",
    "Fonction",
    "Émargé le (UTC)",
    "Mandats détenus",
    "Représente",
)
PROXY_COLUMNS = (
    "Mandant (SIREN)",
    "Mandant",
    "Mandataire (SIREN)",
    "Mandataire",
    "Donné le (UTC)",
    "Statut",
    "Fin le (UTC)",
)
PROXY_STATUS_LABEL = {
    ProxyStatus.ACTIVE: "valide",
    ProxyStatus.WITHDRAWN: "retiré",
    ProxyStatus.CANCELLED_BY_ATTENDANCE: "annulé (présence du mandant)",
    ProxyStatus.VOID: "caduc à l'ouverture",
}


@dataclass(frozen=True)
class FrozenFile:
    filename: str
    media_type: str
    content: bytes
    sha256: str

    @classmethod
    def of(cls, filename: str, media_type: str, content: bytes) -> FrozenFile:
        return cls(filename, media_type, content, hashlib.sha256(content).hexdigest())

    def matches(self, content: bytes) -> bool:
        """Whether ``content`` is this file, byte for byte."""
        return hashlib.sha256(content).hexdigest() == self.sha256


@dataclass(frozen=True)
class AssemblyRecords:
    attendance_csv: FrozenFile
    attendance_pdf: FrozenFile
    proxies_csv: FrozenFile
    proxies_pdf: FrozenFile

    @property
    def files(self) -> tuple[FrozenFile, ...]:
        return (self.attendance_csv, self.attendance_pdf, self.proxies_csv, self.proxies_pdf)


def _utc(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def attendance_rows(assembly: Assembly) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for signature in assembly.signatures:
        held = sorted(p.giver for p in assembly.proxies if p.active and p.holder == signature.siren)
        rows.append(
            (
                signature.siren,
                signature.structure_name,
                signature.representative.name,
                signature.representative.position or "",
                _utc(signature.signed_at),
                str(len(held)),
                ", ".join(held),
            )
        )
    return rows


def proxy_rows(assembly: Assembly) -> list[tuple[str, ...]]:
    proxies = sorted(assembly.proxies, key=lambda p: (p.giver, p.given_at))
    return [
        (
            p.giver,
            p.giver_name,
            p.holder,
            p.holder_name,
            _utc(p.given_at),
            PROXY_STATUS_LABEL[p.status],
            _utc(p.ended_at),
        )
        for p in proxies
    ]


def to_csv(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


class _RecordPdf(FPDF):
    """What the core fonts cannot print is folded (NFKC), else printed as "?": a name in another
    script never makes a frozen record impossible to produce."""

    def normalize_text(self, text: str) -> str:
        folded = unicodedata.normalize("NFKC", text)
        printable = folded.encode(_PDF_ENCODING, "replace").decode(_PDF_ENCODING)
        return super().normalize_text(printable)


def _summary(assembly: Assembly) -> list[str]:
    venue = assembly.venue
    where = " / ".join(x for x in (venue.address, venue.link and f"à distance : {venue.link}") if x)
    lines = [
        f"Assemblée générale ordinaire du {assembly.held_on.strftime('%d/%m/%Y')}"
        + (" (seconde convocation)" if assembly.second_convocation else ""),
        assembly.title,
        f"Lieu : {where}",
        f"Ouverte le {_utc(assembly.opened_at)} UTC, close le {_utc(assembly.closed_at)} UTC",
    ]
    quorum = assembly.quorum
    if quorum is not None:
        lines.append(
            f"Quorum : {quorum.present} présents et {quorum.represented} représentés sur "
            f"{quorum.eligible} membres pouvant voter, {quorum.required} requis : "
            + ("atteint" if quorum.reached else "non atteint")
        )
    return lines


def to_pdf(
    assembly: Assembly,
    heading: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[int],
) -> bytes:
    assert assembly.closed_at is not None
    pdf = _RecordPdf(orientation="landscape", format="A4")
    pdf.core_fonts_encoding = _PDF_ENCODING
    pdf.set_compression(False)
    pdf.set_creation_date(assembly.closed_at.astimezone(UTC))
    pdf.set_title(f"{heading} - AG du {assembly.held_on.isoformat()}")
    pdf.set_author("Cap Métiers Nouvelle-Aquitaine")
    pdf.set_creator("Cap Métiers Nouvelle-Aquitaine")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 14)
    pdf.cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 9)
    for line in _summary(assembly):
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("helvetica", "", 8)
    with pdf.table(col_widths=tuple(widths), text_align="LEFT", line_height=5) as table:
        header = table.row()
        for column in columns:
            header.cell(column)
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value)
    if not rows:
        pdf.cell(0, 6, "Aucune ligne.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def freeze(assembly: Assembly) -> AssemblyRecords:
    """The records of a closed assembly, made once and never again changed."""
    if assembly.state is not AssemblyState.CLOSED:
        raise Conflict(
            f"The attendance sheet and the proxy list are made once the assembly is closed; "
            f"the assembly of {assembly.held_on} is {assembly.state}.",
            rule="M11",
        )
    stem = f"ag-{assembly.held_on.isoformat()}"
    attendance = attendance_rows(assembly)
    proxies = proxy_rows(assembly)
    return AssemblyRecords(
        attendance_csv=FrozenFile.of(
            f"{stem}-emargement.csv", CSV_MEDIA_TYPE, to_csv(ATTENDANCE_COLUMNS, attendance)
        ),
        attendance_pdf=FrozenFile.of(
            f"{stem}-emargement.pdf",
            PDF_MEDIA_TYPE,
            to_pdf(
                assembly,
                "Feuille d'émargement",
                ATTENDANCE_COLUMNS,
                attendance,
                (22, 55, 45, 35, 35, 22, 63),
            ),
        ),
        proxies_csv=FrozenFile.of(
            f"{stem}-mandats.csv", CSV_MEDIA_TYPE, to_csv(PROXY_COLUMNS, proxies)
        ),
        proxies_pdf=FrozenFile.of(
            f"{stem}-mandats.pdf",
            PDF_MEDIA_TYPE,
            to_pdf(
                assembly, "Liste des mandats", PROXY_COLUMNS, proxies, (27, 50, 27, 50, 35, 48, 35)
            ),
        ),
    )
