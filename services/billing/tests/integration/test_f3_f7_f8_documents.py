"""F3, F7, F8 on the real servers: each invoice and credit note frozen when issued, its
Factur-X file made once and served as stored, public bodies' documents waiting for their
Chorus Pro references, and the Chorus Pro deposit."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import httpx
import pytest
import sqlalchemy as sa
from billing_factories import approved, customer, deliver, the_invoice
from facturx import get_xml_from_pdf, xml_check_xsd  # type: ignore[import-untyped]
from lxml import etree  # type: ignore[import-untyped]
from pypdf import PdfReader
from sqlalchemy.exc import DBAPIError

from billing.formats.cii import NSMAP
from billing.production import produce_all, renderer
from billing.repositories.document_records import DocumentFilter
from billing.service import BillingRuntime
from shared.auth import Role
from shared.clock import FixedClock

pytestmark = pytest.mark.integration


def xpath(xml: bytes, path: str) -> list[str]:
    return [(e.text or "").strip() for e in etree.fromstring(xml).xpath(path, namespaces=NSMAP)]


def factur_x_xml(pdf: bytes) -> bytes:
    name, xml = get_xml_from_pdf(pdf, check_xsd=True)
    assert name == "factur-x.xml"
    return bytes(xml)


def text_of(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


@pytest.fixture
def seller_changes(billing: BillingRuntime) -> Iterator[Callable[..., None]]:
    """Change the seller's settings for one test (the runtime's settings, as a restart would)."""
    before = billing.settings.seller

    def change(**values: object) -> None:
        billing.settings.seller = before.model_copy(update=values)

    yield change
    billing.settings.seller = before


async def test_f3_f8_an_invoice_is_a_factur_x_document_that_passes_the_en16931_schema(
    billing: BillingRuntime,
    clock: FixedClock,
    client: httpx.AsyncClient,
    token: Callable[..., dict[str, str]],
) -> None:
    clock.set(datetime(2025, 6, 1, 9, tzinfo=UTC))
    event = approved(year=2025)
    await deliver(billing, event)
    invoice = await the_invoice(billing, event.siren)
    member = token(Role.MEMBER, siren=event.siren)
    r = await client.get(f"/invoices/{invoice.number}/pdf", headers=member)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["etag"] == f'"{hashlib.sha256(r.content).hexdigest()}"'
    assert f'filename="{invoice.number}.pdf"' in r.headers["content-disposition"]
    xml = factur_x_xml(r.content)
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert xpath(xml, "//rsm:ExchangedDocument/ram:ID") == [invoice.number]
    assert xpath(xml, "//rsm:ExchangedDocument/ram:TypeCode") == ["380"]
    assert xpath(xml, "//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID") == [
        event.siren
    ]
    text = text_of(r.content)
    for mention in (
        f"FACTURE N° {invoice.number}",
        "SIRET 839 527 660 00014",
        "102 avenue de Canéjan",
        "33600 Pessac",
        f"SIREN {event.siren}",
        "article 261-7-1°",
        "recouvrement",
        "40,00 €",
        "Date d'échéance : 01/07/2025",  # 30 days after issue
        "IBAN FR76 3000 4001 2300 0123 4567 843",
    ):
        assert mention in text, mention
    # the client's copy is the stored one: nothing to send again
    same = await client.get(
        f"/invoices/{invoice.id}/pdf", headers={**member, "If-None-Match": r.headers["etag"]}
    )
    assert same.status_code == 304
    assert same.content == b""


async def test_f3_an_issued_document_never_changes_when_the_seller_settings_change(
    billing: BillingRuntime,
    clock: FixedClock,
    client: httpx.AsyncClient,
    finance: dict[str, str],
    seller_changes: Callable[..., None],
) -> None:
    clock.set(datetime(2025, 6, 3, 9, tzinfo=UTC))
    made, frozen = approved(year=2025), approved(year=2025)
    await deliver(billing, made)
    await deliver(billing, frozen)
    first = await the_invoice(billing, made.siren)
    second = await the_invoice(billing, frozen.siren)
    before = await client.get(f"/invoices/{first.number}/pdf", headers=finance)
    assert before.status_code == 200

    seller_changes(name="Cap Métiers (nouveau nom)", iban="FR7630006000011234567890189")
    # made before the change: the same bytes
    after = await client.get(f"/invoices/{first.number}/pdf", headers=finance)
    assert after.content == before.content
    assert after.headers["etag"] == before.headers["etag"]
    # issued before the change, made after it: what it said at issue
    late = await client.get(f"/invoices/{second.number}/pdf", headers=finance)
    assert "IBAN FR76 3000 4001 2300 0123 4567 843" in text_of(late.content)
    assert "nouveau nom" not in text_of(late.content)
    # a credit note issued later is a document of its own: the invoice's stays as it was
    note = await client.post(
        f"/invoices/{first.number}/credit-notes",
        json={"amount": "20.00", "reason": "Geste commercial"},
        headers=finance,
    )
    assert note.status_code == 201, note.text
    again = await client.get(f"/invoices/{first.number}/pdf", headers=finance)
    assert again.content == before.content
    credit = await client.get(f"/credit-notes/{note.json()['number']}/pdf", headers=finance)
    assert credit.status_code == 200, credit.text
    xml = factur_x_xml(credit.content)
    assert xpath(xml, "//rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    assert xpath(xml, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == [first.number]
    assert xpath(xml, "//ram:IBANID") == ["FR7630006000011234567890189"], "issued after"
    # and the stored files cannot be changed behind the API's back
    async with billing.uow() as uow:
        with pytest.raises(DBAPIError, match="F2"):
            await uow.connection.execute(
                sa.text("UPDATE document_files SET content = '' WHERE document_id = :id"),
                {"id": first.id},
            )


async def test_f7_each_document_file_is_made_once_by_the_worker_job(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    clock.set(datetime(2025, 6, 4, 9, tzinfo=UTC))
    event = approved(year=2025)
    await deliver(billing, event)
    invoice = await the_invoice(billing, event.siren)
    # two producers at once, asked for this invoice's documents (the shared database holds
    # other tests' documents too)
    theirs = DocumentFilter(invoice_id=invoice.id)
    assert await produce_all(billing, renderer(), workers=2, where=theirs) == 1
    assert await produce_all(billing, renderer(), workers=2, where=theirs) == 0, "made once"
    async with billing.uow() as uow:
        stored = await uow.documents.get_document(invoice.id)
    assert stored is not None
    assert stored.file is not None
    served = await client.get(f"/invoices/{invoice.number}/pdf", headers=finance)
    assert served.content == stored.file.content
    assert served.headers["etag"] == f'"{stored.file.sha256}"'


async def test_f3_a_character_the_fonts_lack_never_breaks_a_document(
    billing: BillingRuntime, clock: FixedClock, client: httpx.AsyncClient, finance: dict[str, str]
) -> None:
    """An issued document never changes: text it holds must never make its file fail."""
    clock.set(datetime(2036, 2, 1, 9, tzinfo=UTC))
    event = approved(year=2036)
    await deliver(billing, event)
    invoice = await the_invoice(billing, event.siren)
    note = await client.post(
        f"/invoices/{invoice.number}/credit-notes",
        json={"amount": "10.00", "reason": "Remise → geste 友好 ﬁdélité \x07"},
        headers=finance,
    )
    assert note.status_code == 201, note.text
    r = await client.get(f"/credit-notes/{note.json()['id']}/pdf", headers=finance)
    assert r.status_code == 200, r.text
    assert "Remise → geste" in text_of(r.content)


async def test_f8_a_public_body_invoice_without_its_required_service_code_waits_for_it(
    billing: BillingRuntime,
    clock: FixedClock,
    client: httpx.AsyncClient,
    finance: dict[str, str],
) -> None:
    clock.set(datetime(2040, 3, 2, 9, tzinfo=UTC))
    lycee = customer(
        public_body=True,
        chorus_service_code_required=True,
        chorus_commitment_number="EJ-2040-0001",
    )
    event = approved(year=2040, details=lycee)
    await deliver(billing, event)  # the invoice is issued: the consumer never fails on it
    invoice = await the_invoice(billing, lycee.siren)

    refused = await client.get(f"/invoices/{invoice.number}/pdf", headers=finance)
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "F8"
    assert "service code" in refused.json()["detail"]
    period = "issued_from=2040-03-01&issued_to=2040-03-31"
    export = await client.get(f"/exports/chorus-pro?{period}", headers=finance)
    assert export.status_code == 422
    assert export.json()["code"] == "F8"
    assert invoice.number in export.json()["numbers"]
    report = (
        await client.get("/reconciliation?from=2040-03-01&to=2040-03-31", headers=finance)
    ).json()
    [waiting] = [d for d in report["documents_waiting"] if d["number"] == invoice.number]
    assert waiting["missing"] == ["its Chorus Pro service code"]
    await produce_all(billing, renderer(), where=DocumentFilter(invoice_id=invoice.id))
    async with billing.uow() as uow:
        document = await uow.documents.get_document(invoice.id)
    assert document is not None
    assert document.file is None, "not made while it waits"

    recorded = await client.put(
        f"/customers/{lycee.siren}/chorus", json={"service_code": "SERV-LYC"}, headers=finance
    )
    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["released"] == [invoice.number]
    assert recorded.json()["customer"]["chorus_service_code"] == "SERV-LYC"
    made = await client.get(f"/invoices/{invoice.number}/pdf", headers=finance)
    assert made.status_code == 200, made.text
    xml = factur_x_xml(made.content)
    assert xpath(xml, "//ram:BuyerReference") == ["SERV-LYC"]
    assert xpath(xml, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == ["EJ-2040-0001"]
    deposit = await client.get(f"/exports/chorus-pro?{period}", headers=finance)
    assert deposit.status_code == 200, deposit.text
    assert deposit.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(deposit.content)) as archive:
        assert archive.read(f"{invoice.number}.pdf") == made.content
        manifest = archive.read("manifeste.csv").decode("utf-8-sig")
    assert "SERV-LYC" in manifest
    assert hashlib.sha256(made.content).hexdigest() in manifest
    report = (
        await client.get("/reconciliation?from=2040-03-01&to=2040-03-31", headers=finance)
    ).json()
    assert invoice.number not in {d["number"] for d in report["documents_waiting"]}


async def test_f8_chorus_references_are_recorded_for_public_bodies_only(
    billing: BillingRuntime,
    clock: FixedClock,
    client: httpx.AsyncClient,
    finance: dict[str, str],
    token: Callable[..., dict[str, str]],
) -> None:
    clock.set(datetime(2040, 4, 2, 9, tzinfo=UTC))
    private = approved(year=2040)
    await deliver(billing, private)
    url = f"/customers/{private.siren}/chorus"
    body = {"service_code": "X"}
    assert (await client.put(url, json=body, headers=finance)).json()["code"] == "F8"
    unknown = await client.put("/customers/000000000/chorus", json=body, headers=finance)
    assert unknown.status_code == 404
    empty = await client.put(url, json={}, headers=finance)
    assert (empty.status_code, empty.json()["code"]) == (422, "validation")
    foreign = await client.put(url, json={"siret": "12345678900017"}, headers=finance)
    assert (foreign.status_code, foreign.json()["code"]) == (422, "validation")
    member = token(Role.MEMBER, siren=private.siren)
    assert (await client.put(url, json=body, headers=member)).status_code == 403
