"""F7: the entries of billing's facts and the FEC rendered from them: the 18 columns, dates
AAAAMMJJ, comma amounts, balanced entries, lettering codes; the file passes the check."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from billing.domain import fec
from billing.formats.fec_check import fec_problems

D = Decimal
HEADER = (
    "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|"
    "PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise"
)
ACME = fec.Party("123456789", "Lycée | Acme")
DUES, ROOM = uuid.uuid4(), uuid.uuid4()


def entries() -> list[fec.Entry]:
    return [
        fec.sale_entry("FA-2025-00001", date(2025, 3, 2), "membership_new", ACME, D("100"), DUES),
        fec.sale_entry("FA-2025-00002", date(2025, 3, 2), "auditorium", ACME, D("250"), ROOM),
        fec.bank_entry(
            "BQ-1", date(2025, 3, 5), D("130"), "Virement", [fec.Share(DUES, ACME, D("100"))]
        ),
        fec.bank_entry("BQ-2", date(2025, 3, 6), D("40"), "Chèque", []),
        fec.sale_entry(
            "AV-2025-00001",
            date(2025, 3, 9),
            "auditorium",
            ACME,
            D("250"),
            ROOM,
            credit_note_of="FA-2025-00002",
        ),
        fec.allocation_entry("BQ-2", date(2025, 3, 20), ACME, D("40"), "FA-2025-00002", ROOM),
    ]


def posted(letters: dict[tuple[int, int], tuple[str, date]] | None = None) -> list[fec.FecRow]:
    """The sample as posting numbers and validates it: each journal counts from 1."""
    counters: dict[str, int] = {}
    rows: list[fec.FecRow] = []
    for index, entry in enumerate(entries()):
        counters[entry.journal] = counters.get(entry.journal, 0) + 1
        number = fec.entry_number(entry.journal, counters[entry.journal])
        for position, line in enumerate(entry.lines, start=1):
            letter, on = (letters or {}).get((index, position), (None, None))
            rows.append(
                fec.FecRow(
                    journal=entry.journal,
                    number=number,
                    on=entry.on,
                    account=line.account[0],
                    account_label=line.account[1],
                    aux=line.party.aux if line.party else None,
                    aux_label=line.party.name if line.party else None,
                    piece=entry.piece,
                    piece_date=entry.piece_date,
                    label=entry.label,
                    debit=line.debit,
                    credit=line.credit,
                    valid_on=entry.on,
                    letter=letter,
                    lettered_on=on,
                )
            )
    return rows


def test_f7_fec_header_has_the_18_columns_with_their_exact_names() -> None:
    text = fec.render(posted())
    assert text.splitlines()[0] == HEADER
    assert len(fec.COLUMNS) == 18


def test_f7_fec_file_name_is_siren_fec_closing_date() -> None:
    assert fec.file_name("839527660", date(2025, 12, 31)) == "839527660FEC20251231.txt"
    assert fec.fiscal_year(2025) == (date(2025, 1, 1), date(2025, 12, 31))


def test_f7_every_entry_balances_and_the_file_passes_the_administrations_rules() -> None:
    assert all(e.balanced for e in entries())
    text = fec.render(posted())
    assert fec_problems(text, "839527660FEC20251231.txt") == []
    by_number: dict[str, Decimal] = {}
    for line in text.splitlines()[1:]:
        row = line.split("|")
        assert len(row) == 18
        debit, credit = (D(v.replace(",", ".")) for v in row[11:13])
        by_number[row[2]] = by_number.get(row[2], D(0)) + debit - credit
    assert set(by_number.values()) == {D("0.00")}


def test_f7_fec_dates_amounts_and_numbering() -> None:
    rows = [fec.cells(r) for r in posted()]
    first = rows[0]
    assert first[0] == "VE"
    assert first[2] == "VE000001"
    assert first[3] == "20250302"
    assert first[11] == "100,00"
    assert first[12] == "0,00"
    assert first[6] == "C123456789"
    assert "|" not in first[7], "labels never carry the separator"
    bank = [r for r in rows if r[0] == "BQ"]
    assert {r[4] for r in bank} == {"512000", "411000", "471000"}
    od = [r for r in rows if r[0] == "OD"]
    assert [r[4] for r in od] == ["471000", "411000"]
    assert {r[2] for r in rows if r[0] == "VE"} == {"VE000001", "VE000002", "VE000003"}


def test_f7_credit_note_reverses_the_sale() -> None:
    [credit] = [e for e in entries() if e.piece == "AV-2025-00001"]
    assert credit.lines[0].account == ("706000", "Prestations de services")
    assert credit.lines[0].debit == D("250.00")
    assert credit.lines[1].credit == D("250.00")
    assert credit.lines[1].invoice_id == ROOM


def test_f7_customer_lines_name_their_invoice_for_lettering() -> None:
    [sale, _room, bank, suspense, *_] = entries()
    assert [x.invoice_id for x in sale.lines] == [DUES, None]
    assert [x.invoice_id for x in bank.lines] == [None, DUES, None]
    assert [x.account for x in suspense.lines] == [fec.BANK, fec.SUSPENSE]


def test_f7_lettered_lines_show_their_code_and_date_and_balance() -> None:
    # the dues invoice (entry 0, line 1) paid by BQ-1 (entry 2, line 2): 100 = 100
    letters = {(0, 1): ("AAA", date(2025, 3, 5)), (2, 2): ("AAA", date(2025, 3, 5))}
    text = fec.render(posted(letters))
    assert fec_problems(text) == []
    lettered = [line.split("|") for line in text.splitlines() if "|AAA|" in line]
    assert [(r[4], r[13], r[14]) for r in lettered] == [("411000", "AAA", "20250305")] * 2


def _open(debit: str, credit: str, year: int = 2025) -> fec.OpenLine:
    return fec.OpenLine(1, 1, year, date(year, 3, 2), D(debit), D(credit))


def test_f7_an_invoice_letters_only_when_settled_exactly_within_one_year() -> None:
    assert fec.lettering_year([_open("100", "0"), _open("0", "60"), _open("0", "40")]) == 2025
    assert fec.lettering_year([_open("100", "0"), _open("0", "60")]) is None, "partly paid"
    assert fec.lettering_year([_open("100", "0"), _open("0", "105")]) is None, "overpaid"
    assert fec.lettering_year([_open("100", "0"), _open("0", "100", 2026)]) is None
    assert fec.lettering_year([]) is None


@pytest.mark.parametrize(
    ("rank", "code"),
    [(1, "AAA"), (2, "AAB"), (26, "AAZ"), (27, "ABA"), (17576, "ZZZ"), (17577, "AAAA")],
)
def test_f7_lettering_codes_follow_each_other(rank: int, code: str) -> None:
    assert fec.lettering_code(rank) == code
