"""F7: the FEC checked against the administration's rules before it leaves."""

from __future__ import annotations

import pytest

from billing.formats.fec_check import COLUMNS, check_fec, closing_date_of, fec_problems
from shared.errors import RuleViolated

HEADER = "|".join(COLUMNS)
SOUND = [
    "VE|Ventes|VE000001|20250302|411000|Clients|C193300011|Lycée Jean Monnet|FA-2025-00012|"
    "20250302|Facture FA-2025-00012|100,00|0,00|A|20250305|20250302||",
    "VE|Ventes|VE000001|20250302|756000|Cotisations|||FA-2025-00012|20250302|"
    "Facture FA-2025-00012|0,00|100,00|||20250302||",
    "BQ|Banque|BQ000001|20250305|512000|Banque|||CFONB-1|20250305|VIR LYCEE|100,00|0,00|||"
    "20250305||",
    "BQ|Banque|BQ000001|20250305|411000|Clients|C193300011|Lycée Jean Monnet|CFONB-1|20250305|"
    "VIR LYCEE|0,00|100,00|A|20250305|20250305||",
]
NAME = "839527660FEC20251231.txt"


def fec(*lines: str, header: str = HEADER) -> str:
    return "\n".join([header, *lines]) + "\n"


def problems(text: str, name: str | None = NAME) -> list[str]:
    return [p.problem for p in fec_problems(text, name)]


def test_f7_a_sound_fec_passes() -> None:
    check_fec(fec(*SOUND), NAME)
    check_fec(fec(*(ln.replace("|", "\t") for ln in SOUND), header="\t".join(COLUMNS)), NAME)


def test_f7_file_name_is_siren_fec_closing_date() -> None:
    assert str(closing_date_of("839527660FEC20251231")) == "2025-12-31"
    assert str(closing_date_of(NAME)) == "2025-12-31"
    for wrong in ("839527660FEC20251331.txt", "83952766FEC20251231.txt", "FEC.txt"):
        assert any("file name" in p for p in problems(fec(*SOUND), wrong)), wrong


def test_f7_header_must_be_the_18_exact_names_in_order() -> None:
    swapped = "|".join((*COLUMNS[:11], COLUMNS[12], COLUMNS[11], *COLUMNS[13:]))
    assert any("header" in p for p in problems(fec(*SOUND, header=swapped)))
    assert any("header" in p for p in problems(fec(*SOUND, header=HEADER.lower())))
    assert any("header" in p for p in problems(fec(*SOUND, header=HEADER.replace("|", ";"))))
    assert problems("") == ["the file is empty"]


def test_f7_every_line_has_18_cells_and_mandatory_values() -> None:
    short = SOUND[0].rsplit("|", 1)[0]
    assert any("17 cells" in p for p in problems(fec(short, *SOUND[1:])))
    no_label = SOUND[2].replace("|VIR LYCEE|", "||")
    assert "EcritureLib is empty" in problems(fec(*SOUND[:2], no_label, SOUND[3]))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("|20250302|411000", "|2025-03-02|411000", "EcritureDate '2025-03-02' is not a date"),
        ("|20250302|411000", "|20250230|411000", "not a date"),
        ("|100,00|0,00|A", "|100.00|0,00|A", "comma decimal"),
        ("|100,00|0,00|A", "|100,00|100,00|A", "not both"),
        ("|C193300011|Lycée Jean Monnet|FA", "|C193300011||FA", "CompAuxNum and CompAuxLib"),
        ("|20250302||", "|20250302|100,00|", "Montantdevise and Idevise"),
    ],
)
def test_f7_dates_amounts_and_paired_columns(old: str, new: str, expected: str) -> None:
    first = SOUND[0].replace(old, new, 1)
    found = problems(fec(first, *SOUND[1:]))
    assert any(expected in p for p in found), found


def test_f7_every_entry_balances() -> None:
    unbalanced = SOUND[1].replace("|0,00|100,00|", "|0,00|90,00|")
    found = problems(fec(SOUND[0], unbalanced, *SOUND[2:]))
    assert "entry VE000001 does not balance (debit 100.00, credit 90.00)" in found


def test_f7_an_entry_is_consecutive_lines_of_one_journal_and_date() -> None:
    interleaved = problems(fec(SOUND[0], SOUND[2], SOUND[1], SOUND[3]))
    assert "the lines of entry VE000001 are not consecutive" in interleaved
    other_day = SOUND[1].replace("|20250302|756000", "|20250303|756000")
    assert "entry VE000001 spans several journals or dates" in problems(
        fec(SOUND[0], other_day, *SOUND[2:])
    )


def test_f7_entries_numbered_without_gap_and_in_validation_order() -> None:
    gap = [ln.replace("BQ000001", "BQ000003") for ln in SOUND[2:]]
    more = [
        ln.replace("BQ000001", "BQ000002")
        .replace("CFONB-1", "CFONB-2")
        .replace("|A|20250305|", "|||")
        for ln in SOUND[2:]
    ]
    gap = [ln.replace("CFONB-1", "CFONB-3") for ln in gap]
    assert any("BQ... have gaps" in p for p in problems(fec(*SOUND, *gap)))
    assert problems(fec(*SOUND[:2], *SOUND[2:], *more)) == []
    earlier = [ln.replace("|20250305||", "|20250301||") for ln in more]
    assert any("validated before" in p for p in problems(fec(*SOUND, *earlier)))


def test_f7_no_entry_after_the_closing_date() -> None:
    assert any("after the closing date" in p for p in problems(fec(*SOUND), "839527660FEC20250228"))


def test_f7_lettering_ecriturelet_and_datelet_are_consistent() -> None:
    no_date = SOUND[3].replace("|A|20250305|", "|A||")
    assert "EcritureLet and DateLet go together" in problems(fec(*SOUND[:3], no_date))
    early = SOUND[3].replace("|A|20250305|", "|A|20250304|")
    assert any("before the entry's date" in p for p in problems(fec(*SOUND[:3], early)))
    half = SOUND[3].replace("|A|20250305|", "|||")
    assert any(
        "lettering A on 411000 C193300011 does not balance" in p
        for p in problems(fec(*SOUND[:3], half))
    )


def test_f7_check_fec_raises_with_every_problem() -> None:
    broken = SOUND[1].replace("|0,00|100,00|", "|0,00|90,00|").replace("|20250302||", "|x||")
    with pytest.raises(RuleViolated) as caught:
        check_fec(fec(SOUND[0], broken, *SOUND[2:]), NAME)
    assert caught.value.rule == "F7"
    assert caught.value.extra["problem_count"] == len(caught.value.extra["problems"]) >= 2
