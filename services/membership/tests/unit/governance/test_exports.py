"""M11: the closed assembly's attendance sheet and proxy list, CSV and PDF, frozen."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from membership.governance.assembly import Assembly
from membership.governance.electorate import Electorate, Representative
from membership.governance.exports import ATTENDANCE_COLUMNS, PROXY_COLUMNS, freeze
from membership.governance.settings import GovernanceSettings
from shared.errors import Conflict

A, B, C, D, E, F = (f"{n}" * 9 for n in range(1, 7))
BEFORE = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
DAY = datetime(2026, 6, 12, 13, 30, tzinfo=UTC)
OPENING = datetime(2026, 6, 12, 14, 0, tzinfo=UTC)
CLOSING = datetime(2026, 6, 12, 17, 15, tzinfo=UTC)


@pytest.fixture
def closed(assembly: Assembly, electorate: Electorate, settings: GovernanceSettings) -> Assembly:
    assembly = assembly.give_proxy(electorate, E, D, BEFORE, settings).withdraw_proxy(E, BEFORE)
    assembly = assembly.give_proxy(electorate, A, D, BEFORE, settings)
    assembly = assembly.give_proxy(electorate, B, D, BEFORE, settings)
    assembly = assembly.give_proxy(electorate, C, E, BEFORE, settings)  # C comes: cancelled
    assembly = assembly.give_proxy(electorate, F, E, BEFORE, settings)  # E never comes: void
    assembly = assembly.sign_in(
        electorate, D, Representative("Zoé Lefèvre", None, "Présidente"), DAY, by="staff-1"
    )
    assembly = assembly.sign_in(
        electorate, C, Representative("李 Wei; Martin", None, None), DAY, by="staff-1"
    )
    return assembly.open(electorate, OPENING, settings).close(CLOSING)


def rows_of(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte order mark"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_m11_records_are_made_once_the_assembly_is_closed(
    assembly: Assembly, electorate: Electorate, settings: GovernanceSettings
) -> None:
    with pytest.raises(Conflict) as convened:
        freeze(assembly)
    assert convened.value.code == "M11"
    with pytest.raises(Conflict):
        freeze(assembly.open(electorate, OPENING, settings))


def test_m11_attendance_sheet_csv_lists_who_signed_and_whom_they_represent(
    closed: Assembly,
) -> None:
    records = freeze(closed)
    content = records.attendance_csv.content
    assert content.splitlines(keepends=True)[0].endswith(b"\r\n")
    rows = rows_of(content)
    assert tuple(rows[0]) == ATTENDANCE_COLUMNS
    assert rows[1:] == [
        [C, "Association Emploi; Insertion", "李 Wei; Martin", "", "2026-06-12 13:30:00", "0", ""],
        [
            D,
            "CIO de Poitiers",
            "Zoé Lefèvre",
            "Présidente",
            "2026-06-12 13:30:00",
            "2",
            f"{A}, {B}",
        ],
    ]
    assert records.attendance_csv.filename == "ag-2026-06-12-emargement.csv"


def test_m11_proxy_list_csv_shows_every_proxy_and_what_became_of_it(closed: Assembly) -> None:
    rows = rows_of(freeze(closed).proxies_csv.content)
    assert tuple(rows[0]) == PROXY_COLUMNS
    assert [(r[0], r[2], r[5], r[6]) for r in rows[1:]] == [
        (A, D, "valide", ""),
        (B, D, "valide", ""),
        (C, E, "annulé (présence du mandant)", "2026-06-12 13:30:00"),
        (E, D, "retiré", "2026-06-01 09:00:00"),
        (F, E, "caduc à l'ouverture", "2026-06-12 14:00:00"),
    ]


def test_m11_records_are_the_same_bytes_for_the_same_assembly(closed: Assembly) -> None:
    first, again = freeze(closed), freeze(replace(closed))
    assert [f.content for f in first.files] == [f.content for f in again.files]
    assert first == again
    pdf = first.attendance_pdf.content
    assert pdf.startswith(b"%PDF-")
    assert b"/CreationDate (D:20260612171500Z)" in pdf


def test_m11_records_change_with_what_they_record(closed: Assembly) -> None:
    later = replace(closed, closed_at=CLOSING.replace(hour=18))
    assert freeze(later).attendance_pdf.sha256 != freeze(closed).attendance_pdf.sha256
    assert freeze(later).attendance_csv.sha256 == freeze(closed).attendance_csv.sha256


def test_m11_each_record_is_frozen_by_its_checksum(closed: Assembly) -> None:
    for file in freeze(closed).files:
        assert file.sha256 == hashlib.sha256(file.content).hexdigest()
        assert file.matches(file.content)
        assert not file.matches(file.content + b" ")
    media = {f.filename: f.media_type for f in freeze(closed).files}
    assert media == {
        "ag-2026-06-12-emargement.csv": "text/csv; charset=utf-8",
        "ag-2026-06-12-emargement.pdf": "application/pdf",
        "ag-2026-06-12-mandats.csv": "text/csv; charset=utf-8",
        "ag-2026-06-12-mandats.pdf": "application/pdf",
    }


def test_m11_pdf_prints_names_its_fonts_cannot_show(closed: Assembly) -> None:
    pdf = freeze(closed).attendance_pdf.content
    assert b"? Wei; Martin" in pdf  # the ideogram is replaced, the record still made
    assert "Zoé Lefèvre".encode("cp1252") in pdf
