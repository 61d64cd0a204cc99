"""F7: the FEC's 18 columns, dates AAAAMMJJ, comma amounts, balanced entries, legal name."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billing.domain import fec

D = Decimal
HEADER = (
    "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|"
    "PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise"
)
ACME = fec.Party("123456789", "Lycée | Acme")


def sample() -> list[fec.Entry]:
    return fec.build_entries(
        [
            fec.SaleDoc("FA-2025-00001", date(2025, 3, 2), "membership_new", ACME, D("100")),
            fec.SaleDoc("FA-2025-00002", date(2025, 3, 2), "auditorium", ACME, D("250")),
            fec.SaleDoc(
                "AV-2025-00001",
                date(2025, 3, 9),
                "auditorium",
                ACME,
                D("250"),
                credit=True,
                cancels="FA-2025-00002",
            ),
        ],
        [
            fec.BankDoc(
                "BQ-1", date(2025, 3, 5), D("130"), "Virement", ((ACME, D("100"), "FA-2025-00001"),)
            ),
            fec.BankDoc("BQ-2", date(2025, 3, 6), D("40"), "Chèque"),
        ],
        [fec.LateAllocation("BQ-2", date(2025, 3, 20), ACME, D("40"), "FA-2025-00002")],
    )


def test_f7_fec_header_has_the_18_columns_with_their_exact_names() -> None:
    text = fec.render(sample())
    assert text.splitlines()[0] == HEADER
    assert len(fec.COLUMNS) == 18


def test_f7_fec_file_name_is_siren_fec_closing_date() -> None:
    assert fec.file_name("839527660", date(2025, 12, 31)) == "839527660FEC20251231.txt"
    assert fec.fiscal_year(2025) == (date(2025, 1, 1), date(2025, 12, 31))


def test_f7_every_fec_entry_balances() -> None:
    entries = sample()
    assert all(e.balanced for e in entries)
    by_number: dict[str, Decimal] = {}
    for row in fec.rows(entries):
        assert len(row) == 18
        debit, credit = (D(v.replace(",", ".")) for v in row[11:13])
        by_number[row[2]] = by_number.get(row[2], D(0)) + debit - credit
    assert set(by_number.values()) == {D("0.00")}


def test_f7_fec_dates_amounts_and_numbering() -> None:
    rows = fec.rows(sample())
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
    [credit] = [e for e in sample() if e.piece == "AV-2025-00001"]
    assert credit.lines[0].account == ("706000", "Prestations de services")
    assert credit.lines[0].debit == D("250.00")
    assert credit.lines[1].credit == D("250.00")
