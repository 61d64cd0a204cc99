"""F8: the Chorus Pro deposit of a period's public-body invoices."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from billing.formats.chorus import MANIFEST, StoredDocument, chorus_deposit
from billing.formats.facturx import factur_x
from shared.errors import InvalidInput, RuleViolated

MARCH = {"period_start": date(2025, 3, 1), "period_end": date(2025, 3, 31)}


def stored(doc: object) -> StoredDocument:
    made = factur_x(doc)  # type: ignore[arg-type]
    return StoredDocument(doc, made.file_name, made.content)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def files(docs: Any) -> list[StoredDocument]:
    Docs = docs  # noqa: N806 - the fixture is the builders' class
    return [
        stored(Docs.invoice()),
        stored(Docs.credit_note()),
        stored(Docs.invoice(number="FA-2025-00013", customer=Docs.association)),
        stored(Docs.invoice(number="FA-2025-00001", issued_on=date(2025, 2, 27))),
    ]


def test_f8_deposit_zip_holds_each_public_body_factur_x_and_a_manifest(
    files: list[StoredDocument],
) -> None:
    name, data = chorus_deposit(files, **MARCH)
    assert name == "chorus-pro-20250301-20250331.zip"
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == [MANIFEST, "AV-2025-00003.pdf", "FA-2025-00012.pdf"]
    assert archive.read("FA-2025-00012.pdf") == files[0].content
    manifest = archive.read(MANIFEST)
    assert manifest.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(manifest.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "numero",
        "type",
        "date",
        "siret_acheteur",
        "code_service",
        "numero_engagement",
        "montant",
        "fichier",
        "sha256",
    ]
    assert rows[2] == [
        "FA-2025-00012",
        "Facture",
        "02/03/2025",
        "19330001100018",
        "SERV-FIN-01",
        "EJ-2025-004512",
        "2650,00",
        "FA-2025-00012.pdf",
        hashlib.sha256(files[0].content).hexdigest(),
    ]
    assert rows[1][:2] == ["AV-2025-00003", "Avoir"]


def test_f8_deposit_is_the_same_bytes_for_the_same_documents(files: list[StoredDocument]) -> None:
    assert chorus_deposit(files, **MARCH) == chorus_deposit(list(reversed(files)), **MARCH)


def test_f8_deposit_refuses_a_public_body_without_its_references(
    files: list[StoredDocument],
) -> None:
    doc = files[0].document
    lacking = replace(files[0], document=replace(doc, customer=replace(doc.customer, siret=None)))
    with pytest.raises(RuleViolated) as caught:
        chorus_deposit([lacking], **MARCH)
    assert caught.value.rule == "F8"


def test_f8_deposit_refuses_a_file_that_is_not_the_document(files: list[StoredDocument]) -> None:
    swapped = replace(files[0], content=files[1].content)
    with pytest.raises(InvalidInput, match="not the Factur-X"):
        chorus_deposit([swapped], **MARCH)
    with pytest.raises(InvalidInput, match="not the Factur-X"):
        chorus_deposit([replace(files[0], content=b"%PDF-1.7 nothing")], **MARCH)


def test_f8_deposit_of_a_period_without_public_body_invoices_has_only_the_manifest(
    files: list[StoredDocument],
) -> None:
    _name, data = chorus_deposit(files, period_start=date(2025, 1, 1), period_end=date(2025, 1, 31))
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == [MANIFEST]
    with pytest.raises(InvalidInput):
        chorus_deposit(files, period_start=date(2025, 2, 1), period_end=date(2025, 1, 1))


def test_f8_a_deposit_of_a_period_outside_the_zip_dates_is_still_made() -> None:
    from datetime import date

    for end in (date(1900, 1, 1), date(2200, 1, 1)):
        name, content = chorus_deposit([], period_start=end, period_end=end)
        assert name == f"chorus-pro-{end:%Y%m%d}-{end:%Y%m%d}.zip"
        assert content.startswith(b"PK")
