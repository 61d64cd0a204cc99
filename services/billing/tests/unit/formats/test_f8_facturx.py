"""F3, F7, F8: invoices and credit notes as Factur-X (PDF/A-3 carrying CII XML, EN 16931)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from facturx import get_xml_from_pdf, xml_check_xsd  # type: ignore[import-untyped]
from lxml import etree  # type: ignore[import-untyped]
from pypdf import PdfReader

from billing.formats.cii import NSMAP, cross_industry_invoice
from billing.formats.document import BankAccount, euros, require_public_body_references
from billing.formats.facturx import factur_x, invoice_pdf
from shared.errors import InvalidInput, RuleViolated


def xpath(xml: bytes, path: str) -> list[str]:
    found = etree.fromstring(xml).xpath(path, namespaces=NSMAP)
    return [str(v).strip() if isinstance(v, str) else (v.text or "").strip() for v in found]


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_f8_invoice_xml_passes_the_en16931_schema(docs: type) -> None:
    assert xml_check_xsd(cross_industry_invoice(docs.invoice()), flavor="factur-x", level="en16931")


def test_f8_credit_note_xml_passes_the_en16931_schema(docs: type) -> None:
    xml = cross_industry_invoice(docs.credit_note())
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")


def test_f8_invoice_is_type_380_credit_note_381(docs: type) -> None:
    invoice, credit = (
        cross_industry_invoice(docs.invoice()),
        cross_industry_invoice(docs.credit_note()),
    )
    assert xpath(invoice, "//rsm:ExchangedDocument/ram:TypeCode") == ["380"]
    assert xpath(credit, "//rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    assert xpath(credit, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == [
        "FA-2025-00012"
    ]
    assert xpath(credit, "//ram:InvoiceReferencedDocument//qdt:DateTimeString") == ["20250302"]


def test_f8_chorus_pro_references_in_their_cii_fields(docs: type) -> None:
    xml = cross_industry_invoice(docs.invoice())
    agreement = "//ram:ApplicableHeaderTradeAgreement"
    assert xpath(xml, f"{agreement}/ram:BuyerReference") == ["SERV-FIN-01"]
    assert xpath(xml, f"{agreement}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == [
        "EJ-2025-004512"
    ]
    assert xpath(xml, f"{agreement}/ram:BuyerTradeParty/ram:GlobalID[@schemeID='0009']") == [
        "19330001100018"
    ]
    assert xpath(xml, f"{agreement}/ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID") == [
        "193300011"
    ]
    assert xpath(
        xml,
        f"{agreement}/ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0009']",
    ) == ["83952766000014"]


def test_f3_xml_carries_payment_vat_exemption_and_mentions(docs: type) -> None:
    xml = cross_industry_invoice(docs.invoice())
    settlement = "//ram:ApplicableHeaderTradeSettlement"
    assert xpath(xml, f"{settlement}/ram:PaymentReference") == ["FA-2025-00012"]
    assert xpath(xml, f"{settlement}//ram:IBANID") == ["FR7630004001230001234567843"]
    assert xpath(xml, f"{settlement}//ram:BICID") == ["BNPAFRPPXXX"]
    assert xpath(xml, f"{settlement}/ram:ApplicableTradeTax/ram:CategoryCode") == ["E"]
    assert "261-7-1°" in xpath(xml, f"{settlement}/ram:ApplicableTradeTax/ram:ExemptionReason")[0]
    assert xpath(xml, f"{settlement}//ram:DueDateDateTime/udt:DateTimeString") == ["20250401"]
    assert xpath(xml, "//ram:GrandTotalAmount") == ["2650.00"]
    assert xpath(xml, "//ram:DuePayableAmount") == ["2650.00"]
    subjects = xpath(xml, "//ram:IncludedNote/ram:SubjectCode")
    assert {"REG", "TXD", "AAB", "PMD", "PMT"} <= set(subjects)
    assert "40,00" in " ".join(xpath(xml, "//ram:IncludedNote[ram:SubjectCode='PMT']/ram:Content"))


def test_f8_pdf_declares_pdfa3_and_embeds_factur_x_xml(docs: type) -> None:
    document = factur_x(docs.invoice())
    reader = PdfReader(io.BytesIO(document.content))
    xmp = etree.fromstring(reader.xmp_metadata.stream.get_data())  # type: ignore[union-attr]
    assert xmp.findtext(".//{http://www.aiim.org/pdfa/ns/id/}part") == "3"
    assert xmp.findtext(".//{http://www.aiim.org/pdfa/ns/id/}conformance") == "B"
    fx = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
    assert xmp.findtext(f".//{{{fx}}}ConformanceLevel") == "EN 16931"
    assert reader.attachments["factur-x.xml"] == [document.xml]
    filename, embedded = get_xml_from_pdf(document.content, check_xsd=True)
    assert (filename, embedded) == ("factur-x.xml", document.xml)
    assert document.file_name == "FA-2025-00012.pdf"


def test_f8_pdf_has_what_pdfa_asks_of_the_base_document(docs: type) -> None:
    reader = PdfReader(io.BytesIO(invoice_pdf(docs.invoice())))
    root = reader.trailer["/Root"]
    intent = root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    assert intent["/DestOutputProfile"].get_object().get_data()[36:40] == b"acsp"  # an ICC profile
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        descendant = ref.get_object()["/DescendantFonts"][0].get_object()
        assert "/FontFile2" in descendant["/FontDescriptor"]  # embedded
    assert "/Encrypt" not in reader.trailer


def test_f8_document_bytes_are_the_same_for_the_same_input(docs: type) -> None:
    first, again = factur_x(docs.invoice()), factur_x(docs.invoice())
    assert first.content == again.content
    assert first.sha256 == again.sha256
    later = factur_x(docs.invoice(created_at=docs.created + timedelta(seconds=1)))
    assert later.content != first.content
    metadata = PdfReader(io.BytesIO(first.content)).metadata
    assert metadata is not None
    assert metadata["/CreationDate"] == "D:20250302083000+00'00'"


def test_f3_pdf_shows_every_french_mention(docs: type) -> None:
    text = " ".join(pdf_text(factur_x(docs.invoice()).content).split())
    for expected in (
        "Cap Métiers Nouvelle-Aquitaine",
        "SIRET 839 527 660 00014",
        "102 avenue de Canéjan",
        "Lycée professionnel Jean Monnet",
        "12 rue des Écoles",
        "SIREN 193300011",
        "FACTURE N° FA-2025-00012",
        "Date d'émission : 02/03/2025",
        "Date d'échéance : 01/04/2025",
        "Location de l'auditorium",
        "1 250,00 €",
        "2 650,00 €",
        "article 261-7-1°",
        "pénalités",
        "40,00 €",
        "FR76 3000 4001 2300 0123 4567 843",
        "BNPAFRPPXXX",
        "Référence de paiement à indiquer : FA-2025-00012",
        "Code service : SERV-FIN-01",
        "N° d'engagement : EJ-2025-004512",
    ):
        assert expected in text.replace("\u202f", " ").replace("\xa0", " "), expected


def test_f3_credit_note_pdf_names_the_corrected_invoice(docs: type) -> None:
    text = pdf_text(factur_x(docs.credit_note()).content)
    assert "AVOIR N° AV-2025-00003" in text
    assert "Avoir sur la facture FA-2025-00012 du 02/03/2025" in text


def test_f3_amounts_are_written_the_french_way() -> None:
    assert euros(Decimal("1234.5")) == "1\u202f234,50\xa0€"
    assert euros(Decimal("0")) == "0,00\xa0€"


def test_f3_iban_and_bic_are_checked() -> None:
    account = BankAccount("fr76 3000 4001 2300 0123 4567 843", "bnpafrpp")
    assert (account.iban, account.bic) == ("FR7630004001230001234567843", "BNPAFRPP")
    with pytest.raises(InvalidInput):
        BankAccount("FR7630004001230001234567801", "BNPAFRPPXXX")
    with pytest.raises(InvalidInput):
        BankAccount("FR7630004001230001234567843", "BNP")


def test_f8_public_body_references_required_by_its_flags(docs: type) -> None:
    require_public_body_references(docs.lycee)
    require_public_body_references(replace(docs.association, siret=None))  # not a public body
    optional = replace(docs.lycee, service_code=None, service_code_required=False)
    require_public_body_references(optional)
    for missing, what in (
        (replace(docs.lycee, siret=None), "SIRET"),
        (replace(docs.lycee, siret="1933"), "SIRET"),
        (replace(docs.lycee, service_code=" "), "service code"),
        (replace(docs.lycee, commitment_number=None), "commitment number"),
    ):
        with pytest.raises(RuleViolated) as caught:
            require_public_body_references(missing)
        assert caught.value.rule == "F8"
        assert what in caught.value.detail


def test_f8_no_factur_x_for_a_public_body_lacking_a_reference(docs: type) -> None:
    lacking = docs.invoice(customer=replace(docs.lycee, commitment_number=None))
    with pytest.raises(RuleViolated):
        factur_x(lacking)


def test_f8_a_private_customer_has_no_chorus_fields(docs: type) -> None:
    xml = cross_industry_invoice(docs.invoice(customer=docs.association))
    assert xpath(xml, "//ram:BuyerReference") == []
    assert xpath(xml, "//ram:BuyerOrderReferencedDocument") == []
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")


def test_f8_an_exempt_seller_names_its_vat_or_tax_registration(docs: type) -> None:
    seller = replace(docs.seller, vat_id=None)
    with pytest.raises(InvalidInput, match="BR-E-2"):
        factur_x(docs.invoice(seller=seller))
    fiscal = replace(seller, tax_registration_id="839527660")
    xml = factur_x(docs.invoice(seller=fiscal)).xml
    assert xpath(xml, "//ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']") == ["839527660"]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"total": Decimal("2650.01")}, "do not add up"),
        ({"lines": ()}, "at least one line"),
        ({"corrected_invoice": None}, "names the invoice"),
    ],
)
def test_f3_inconsistent_documents_are_refused(
    docs: type, changes: dict[str, object], problem: str
) -> None:
    with pytest.raises(InvalidInput, match=problem):
        docs.credit_note(**changes)
