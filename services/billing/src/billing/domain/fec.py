"""F7: the accounting entries of billing's facts, and the Fichier des Écritures Comptables
(art. A47 A-1 of the LPF) rendered from them.

Sales (VE): debit the customer (411), credit dues (756) or services (706).
Credit notes (VE): the reverse. Bank (BQ): debit the bank (512), credit the customers the
payment was matched to at recording, the rest to the suspense account (471). A payment allocated
later by hand (OD): debit 471, credit the customer. Every entry balances.

Entries are built here (pure), posted once in the transaction of their fact with a number from
the journal's counter, and the file of a fiscal year is rendered from the posted entries as
they are stored: the same file whenever it is produced. A customer line names the invoice it
concerns, so that the lines of an invoice settled exactly (its debit, the credits of its
payments and credit notes) are lettered together (``EcritureLet``, ``DateLet``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from uuid import UUID

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
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def file_name(siren: str, closing_date: date) -> str:
    """``{SIREN}FEC{AAAAMMJJ}.txt``, the closing date of the fiscal year."""
    return f"{siren}FEC{closing_date:%Y%m%d}.txt"


def fiscal_year(year: int) -> tuple[date, date]:
    """**Decision**: the association's fiscal year is the calendar year."""
    return date(year, 1, 1), date(year, 12, 31)


def fiscal_year_of(on: date) -> int:
    return on.year


def entry_number(journal: str, number: int) -> str:
    """``VE000001``: the journal and the entry's rank in the journal's fiscal year."""
    return f"{journal}{number:06d}"


def lettering_code(rank: int) -> str:
    """The ``rank``-th lettering code of a fiscal year: ``AAA``, ``AAB``... ``ZZZ``, ``AAAA``..."""
    if rank < 1:
        raise ValueError("lettering codes are ranked from 1")
    width, first = 3, 1
    while rank >= first + len(_LETTERS) ** width:
        first += len(_LETTERS) ** width
        width += 1
    offset, letters = rank - first, []
    for _ in range(width):
        offset, digit = divmod(offset, len(_LETTERS))
        letters.append(_LETTERS[digit])
    return "".join(reversed(letters))


@dataclass(frozen=True)
class Party:
    siren: str
    name: str

    @property
    def aux(self) -> str:
        return f"C{self.siren}"


@dataclass(frozen=True)
class Line:
    account: tuple[str, str]
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    party: Party | None = None
    #: The invoice a customer line concerns: the lines of a settled invoice are lettered.
    invoice_id: UUID | None = None


@dataclass
class Entry:
    journal: str
    on: date
    piece: str
    piece_date: date
    label: str
    lines: list[Line] = field(default_factory=list)

    @property
    def debit(self) -> Decimal:
        return money(sum((line.debit for line in self.lines), ZERO))

    @property
    def credit(self) -> Decimal:
        return money(sum((line.credit for line in self.lines), ZERO))

    @property
    def balanced(self) -> bool:
        return self.debit == self.credit


def sale_entry(
    number: str,
    issued_on: date,
    kind: str,
    party: Party,
    amount: Decimal,
    invoice_id: UUID,
    *,
    credit_note_of: str | None = None,
) -> Entry:
    """VE: an invoice, or (``credit_note_of`` its number) a credit note reversing it."""
    revenue = REVENUE.get(kind, REVENUE["auditorium"])
    amount = money(amount)
    if credit_note_of is not None:
        label = f"Avoir {number} sur {credit_note_of} {party.name}"
        lines = [
            Line(revenue, debit=amount),
            Line(CUSTOMERS, credit=amount, party=party, invoice_id=invoice_id),
        ]
    else:
        label = f"Facture {number} {party.name}"
        lines = [
            Line(CUSTOMERS, debit=amount, party=party, invoice_id=invoice_id),
            Line(revenue, credit=amount),
        ]
    return Entry("VE", issued_on, number, issued_on, label, lines)


@dataclass(frozen=True)
class Share:
    """The part of a payment matched to one invoice."""

    invoice_id: UUID
    party: Party
    amount: Decimal


def bank_entry(
    reference: str, received_on: date, amount: Decimal, label: str, shares: Sequence[Share]
) -> Entry:
    """BQ: a payment received, credited to the invoices matched at recording, the rest waiting
    in suspense (471)."""
    amount = money(amount)
    lines = [Line(BANK, debit=amount)]
    matched = ZERO
    for share in shares:
        lines.append(
            Line(
                CUSTOMERS,
                credit=money(share.amount),
                party=share.party,
                invoice_id=share.invoice_id,
            )
        )
        matched = money(matched + share.amount)
    if amount > matched:
        lines.append(Line(SUSPENSE, credit=money(amount - matched)))
    return Entry("BQ", received_on, reference, received_on, label, lines)


def allocation_entry(
    reference: str,
    allocated_on: date,
    party: Party,
    amount: Decimal,
    invoice_number: str,
    invoice_id: UUID,
) -> Entry:
    """OD: part of a payment in suspense, allocated to an invoice by hand."""
    amount = money(amount)
    label = f"Affectation {reference} sur {invoice_number} {party.name}"
    lines = [
        Line(SUSPENSE, debit=amount),
        Line(CUSTOMERS, credit=amount, party=party, invoice_id=invoice_id),
    ]
    return Entry("OD", allocated_on, reference, allocated_on, label, lines)


@dataclass(frozen=True)
class OpenLine:
    """A customer line of an invoice, not lettered yet."""

    entry_id: int
    position: int
    fiscal_year: int
    #: The entry's date: a lettering is never dated before it.
    on: date
    debit: Decimal
    credit: Decimal


def lettering_year(lines: Sequence[OpenLine]) -> int | None:
    """The fiscal year the lines of a settled invoice are lettered in, or None when they do
    not letter: their debits and credits differ (not settled exactly: partly paid, overpaid)
    or they span two fiscal years (a file holds one year: a lettering never leaves it)."""
    if not lines:
        return None
    debit = money(sum((x.debit for x in lines), ZERO))
    credit = money(sum((x.credit for x in lines), ZERO))
    years = {x.fiscal_year for x in lines}
    if debit <= ZERO or debit != credit or len(years) != 1:
        return None
    return years.pop()


@dataclass(frozen=True)
class FecRow:
    """One line of a posted entry, as the FEC shows it."""

    journal: str
    number: str
    on: date
    account: str
    account_label: str
    aux: str | None
    aux_label: str | None
    piece: str
    piece_date: date
    label: str
    debit: Decimal
    credit: Decimal
    valid_on: date
    letter: str | None = None
    lettered_on: date | None = None


def _clean(text: str) -> str:
    """Text as a cell holds it: no separator, no tab, single spaces."""
    if SEPARATOR not in text and "\t" not in text and "  " not in text and text == text.strip():
        return text
    return " ".join(text.replace(SEPARATOR, "/").replace("\t", " ").split())


def _amount(value: Decimal) -> str:
    """``1234,50``: the stored amounts are in cents already."""
    return format_fr(value) if value.as_tuple().exponent != -2 else f"{value:f}".replace(".", ",")


@lru_cache(maxsize=4096)
def _day(on: date) -> str:
    return f"{on:%Y%m%d}"


def cells(row: FecRow) -> list[str]:
    return [
        row.journal,
        JOURNALS[row.journal],
        row.number,
        _day(row.on),
        row.account,
        _clean(row.account_label),
        row.aux or "",
        _clean(row.aux_label or ""),
        _clean(row.piece),
        _day(row.piece_date),
        _clean(row.label),
        _amount(row.debit),
        _amount(row.credit),
        row.letter or "",
        _day(row.lettered_on) if row.lettered_on else "",
        _day(row.valid_on),
        "",
        "",
    ]


def render(rows: Iterable[FecRow]) -> str:
    """The file's text: the header then one line per entry line, pipe-separated, LF ends, in
    the order given (that of validation, then journal and number)."""
    lines = [SEPARATOR.join(COLUMNS)]
    lines += [SEPARATOR.join(cells(row)) for row in rows]
    return "\n".join(lines) + "\n"
