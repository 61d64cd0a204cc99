"""F7: the Fichier des Écritures Comptables (art. A47 A-1 of the LPF) for one fiscal year.

Sales (VE): debit the customer (411), credit dues (756) or services (706).
Credit notes (VE): the reverse. Bank (BQ): debit the bank (512), credit the customers the
payment was matched to at recording, the rest to the suspense account (471). A payment allocated
later by hand (OD): debit 471, credit the customer. Every entry balances.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from billing.domain.money import ZERO, format_fr, money

COLUMNS: tuple[str, ...] = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
SEPARATOR = "|"

JOURNALS = {"VE": "Ventes", "BQ": "Banque", "OD": "Opérations diverses"}
CUSTOMERS = ("411000", "Clients")
BANK = ("512000", "Banque")
SUSPENSE = ("471000", "Compte d'attente")
REVENUE = {
    "membership_new": ("756000", "Cotisations"),
    "membership_renewal": ("756000", "Cotisations"),
    "plan_upgrade": ("756000", "Cotisations"),
    "auditorium": ("706000", "Prestations de services"),
}


def file_name(siren: str, closing_date: date) -> str:
    """``{SIREN}FEC{AAAAMMJJ}.txt``, the closing date of the fiscal year."""
    return f"{siren}FEC{closing_date:%Y%m%d}.txt"


def fiscal_year(year: int) -> tuple[date, date]:
    """**Decision**: the association's fiscal year is the calendar year."""
    return date(year, 1, 1), date(year, 12, 31)


@dataclass(frozen=True)
class Party:
    siren: str
    name: str

    @property
    def aux(self) -> str:
        return f"C{self.siren}"


@dataclass(frozen=True)
class SaleDoc:
    """An invoice (``credit=False``) or a credit note (``credit=True``)."""

    number: str
    issued_on: date
    kind: str
    party: Party
    amount: Decimal
    credit: bool = False
    cancels: str | None = None


@dataclass(frozen=True)
class BankDoc:
    """A payment received, with the parts matched to customers when it was recorded."""

    reference: str
    received_on: date
    amount: Decimal
    label: str
    matched: tuple[tuple[Party, Decimal, str], ...] = ()


@dataclass(frozen=True)
class LateAllocation:
    """Part of a payment in suspense, allocated by hand to an invoice later."""

    reference: str
    allocated_on: date
    party: Party
    amount: Decimal
    invoice_number: str


@dataclass(frozen=True)
class Line:
    account: tuple[str, str]
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    party: Party | None = None


@dataclass
class Entry:
    journal: str
    on: date
    piece: str
    piece_date: date
    label: str
    lines: list[Line] = field(default_factory=list)
    number: str = ""

    @property
    def debit(self) -> Decimal:
        return money(sum((line.debit for line in self.lines), ZERO))

    @property
    def credit(self) -> Decimal:
        return money(sum((line.credit for line in self.lines), ZERO))

    @property
    def balanced(self) -> bool:
        return self.debit == self.credit


def sale_entry(doc: SaleDoc) -> Entry:
    revenue = REVENUE.get(doc.kind, REVENUE["auditorium"])
    amount = money(doc.amount)
    if doc.credit:
        label = f"Avoir {doc.number} sur {doc.cancels or ''} {doc.party.name}"
        lines = [
            Line(revenue, debit=amount),
            Line(CUSTOMERS, credit=amount, party=doc.party),
        ]
    else:
        label = f"Facture {doc.number} {doc.party.name}"
        lines = [
            Line(CUSTOMERS, debit=amount, party=doc.party),
            Line(revenue, credit=amount),
        ]
    return Entry("VE", doc.issued_on, doc.number, doc.issued_on, label, lines)


def bank_entry(doc: BankDoc) -> Entry:
    amount = money(doc.amount)
    lines = [Line(BANK, debit=amount)]
    matched = ZERO
    for party, part, _number in doc.matched:
        lines.append(Line(CUSTOMERS, credit=money(part), party=party))
        matched = money(matched + part)
    if amount > matched:
        lines.append(Line(SUSPENSE, credit=money(amount - matched)))
    return Entry("BQ", doc.received_on, doc.reference, doc.received_on, doc.label, lines)


def allocation_entry(doc: LateAllocation) -> Entry:
    amount = money(doc.amount)
    label = f"Affectation {doc.reference} sur {doc.invoice_number} {doc.party.name}"
    lines = [Line(SUSPENSE, debit=amount), Line(CUSTOMERS, credit=amount, party=doc.party)]
    return Entry("OD", doc.allocated_on, doc.reference, doc.allocated_on, label, lines)


def build_entries(
    sales: list[SaleDoc], bank: list[BankDoc], allocations: list[LateAllocation]
) -> list[Entry]:
    """Every entry of the year, in date order, numbered per journal (VE000001...)."""
    entries = [sale_entry(d) for d in sales]
    entries += [bank_entry(d) for d in bank]
    entries += [allocation_entry(d) for d in allocations]
    entries.sort(key=lambda e: (e.on, list(JOURNALS).index(e.journal), e.piece))
    counters: dict[str, int] = {}
    for entry in entries:
        counters[entry.journal] = counters.get(entry.journal, 0) + 1
        entry.number = f"{entry.journal}{counters[entry.journal]:06d}"
    return entries


def _clean(text: str) -> str:
    return " ".join(text.replace(SEPARATOR, "/").replace("\t", " ").split())


def rows(entries: list[Entry]) -> list[list[str]]:
    out: list[list[str]] = []
    for entry in entries:
        for line in entry.lines:
            party = line.party
            out.append(
                [
                    entry.journal,
                    JOURNALS[entry.journal],
                    entry.number,
                    f"{entry.on:%Y%m%d}",
                    line.account[0],
                    line.account[1],
                    party.aux if party else "",
                    _clean(party.name) if party else "",
                    _clean(entry.piece),
                    f"{entry.piece_date:%Y%m%d}",
                    _clean(entry.label),
                    format_fr(line.debit),
                    format_fr(line.credit),
                    "",
                    "",
                    f"{entry.on:%Y%m%d}",
                    "",
                    "",
                ]
            )
    return out


def render(entries: list[Entry]) -> str:
    """The file's text: the header then one line per entry line, pipe-separated, CRLF-free."""
    lines = [SEPARATOR.join(COLUMNS)]
    lines += [SEPARATOR.join(row) for row in rows(entries)]
    return "\n".join(lines) + "\n"
