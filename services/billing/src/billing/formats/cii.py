"""F3, F8: the UN/CEFACT Cross Industry Invoice (CII D16B) of a document, profile EN 16931.

The XML a Factur-X PDF carries. Where each fact goes:

- number, type (380 invoice, 381 credit note), issue date: ``ExchangedDocument``;
- the French mentions as notes with their UNTDID 4451 subject: ``REG`` (legal form), ``TXD``
  (VAT exemption), ``AAB`` (no discount), ``PMD`` (late-payment penalties), ``PMT`` (the 40 €
  recovery indemnity);
- seller: name, SIRET as legal organisation (scheme 0009), address, VAT or tax registration;
- buyer: its SIRET as global id (scheme 0009), SIREN as legal organisation (scheme 0002);
- Chorus Pro: service code in ``BuyerReference`` (BT-10), commitment number (engagement
  juridique) in ``BuyerOrderReferencedDocument`` (BT-13);
- payment: reference (BT-83), SEPA transfer (58) to the IBAN and BIC, due date and terms;
- VAT: category E at 0 % with the exemption mention (BT-120) and code (BT-121) if given;
- a credit note's corrected invoice: ``InvoiceReferencedDocument`` (BT-25).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from billing.formats.document import DocumentInvoice, DocumentType, cents, euros

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
EN16931 = "urn:cen.eu:en16931:2017"
SEPA_CREDIT_TRANSFER = "58"
EXEMPT = "E"
#: UN/ECE rec. 20 "one" (a unit).
UNIT = "C62"
SIRET_SCHEME = "0009"
SIREN_SCHEME = "0002"


def _el(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
    prefix, _, name = tag.partition(":")
    element = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element


def _amount(value: Decimal) -> str:
    return f"{cents(value):.2f}"


def _date(parent: Any, tag: str, on: date, qualified: bool = False) -> None:
    holder = _el(parent, tag)
    _el(
        holder,
        "qdt:DateTimeString" if qualified else "udt:DateTimeString",
        f"{on:%Y%m%d}",
        format="102",
    )


def _address(parent: Any, line: str, postal_code: str, city: str, country: str) -> None:
    address = _el(parent, "ram:PostalTradeAddress")
    _el(address, "ram:PostcodeCode", postal_code)
    _el(address, "ram:LineOne", line)
    _el(address, "ram:CityName", city)
    _el(address, "ram:CountryID", country)


def notes(doc: DocumentInvoice) -> list[tuple[str, str]]:
    """The document's mentions as (UNTDID 4451 subject, text), in reading order."""
    seller = doc.seller
    found = [("REG", f"{seller.name}, {seller.legal_form}, SIRET {seller.siret_display}")]
    if doc.subject:
        found.append(("AAI", doc.subject))
    if doc.reason:
        found.append(("AAI", f"Motif de l'avoir : {doc.reason}"))
    found += [("AAI", note) for note in doc.notes]
    found += [
        ("TXD", seller.vat_mention),
        ("AAB", seller.discount_terms),
        ("PMD", seller.late_penalty_terms),
    ]
    if doc.customer.professional:
        found.append(
            (
                "PMT",
                "Indemnité forfaitaire pour frais de recouvrement due en cas de retard de "
                f"paiement : {euros(seller.recovery_indemnity)} (art. L441-10 et D441-5 du "
                "Code de commerce).",
            )
        )
    return found


def payment_terms(doc: DocumentInvoice) -> str:
    if doc.type is DocumentType.CREDIT_NOTE:
        return f"Avoir à déduire de la facture {doc.corrected_invoice}."
    due = f", soit au plus tard le {doc.due_on:%d/%m/%Y}" if doc.due_on else ""
    return (
        f"Paiement à {doc.payment_terms_days} jours à compter de la date d'émission{due}, "
        f"par virement en indiquant la référence {doc.reference_for_payment}."
    )


def cross_industry_invoice(doc: DocumentInvoice) -> bytes:
    """The CII XML of ``doc``, UTF-8, deterministic for the same input."""
    seller, customer = doc.seller, doc.customer
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", EN16931)

    header = _el(root, "rsm:ExchangedDocument")
    _el(header, "ram:ID", doc.number)
    _el(header, "ram:TypeCode", doc.type.value)
    _date(header, "ram:IssueDateTime", doc.issued_on)
    for subject, text in notes(doc):
        note = _el(header, "ram:IncludedNote")
        _el(note, "ram:Content", text)
        _el(note, "ram:SubjectCode", subject)

    transaction = _el(root, "rsm:SupplyChainTradeTransaction")
    for index, line in enumerate(doc.lines, start=1):
        item = _el(transaction, "ram:IncludedSupplyChainTradeLineItem")
        _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(index))
        _el(_el(item, "ram:SpecifiedTradeProduct"), "ram:Name", line.description)
        agreement = _el(item, "ram:SpecifiedLineTradeAgreement")
        price = _el(agreement, "ram:NetPriceProductTradePrice")
        _el(price, "ram:ChargeAmount", _amount(line.unit_price))
        delivery = _el(item, "ram:SpecifiedLineTradeDelivery")
        _el(delivery, "ram:BilledQuantity", f"{line.quantity:f}", unitCode=UNIT)
        settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:TypeCode", "VAT")
        _el(tax, "ram:CategoryCode", EXEMPT)
        _el(tax, "ram:RateApplicablePercent", "0")
        summation = _el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        _el(summation, "ram:LineTotalAmount", _amount(line.amount))

    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    if customer.service_code:
        _el(agreement, "ram:BuyerReference", customer.service_code)
    party = _el(agreement, "ram:SellerTradeParty")
    _el(party, "ram:Name", seller.name)
    legal = _el(party, "ram:SpecifiedLegalOrganization")
    _el(legal, "ram:ID", seller.siret, schemeID=SIRET_SCHEME)
    _address(
        party,
        seller.address.line,
        seller.address.postal_code,
        seller.address.city,
        seller.address.country,
    )
    if seller.email:
        _el(_el(party, "ram:URIUniversalCommunication"), "ram:URIID", seller.email, schemeID="EM")
    if seller.vat_id:
        _el(_el(party, "ram:SpecifiedTaxRegistration"), "ram:ID", seller.vat_id, schemeID="VA")
    if seller.tax_registration_id:
        _el(
            _el(party, "ram:SpecifiedTaxRegistration"),
            "ram:ID",
            seller.tax_registration_id,
            schemeID="FC",
        )
    buyer = _el(agreement, "ram:BuyerTradeParty")
    if customer.siret:
        _el(buyer, "ram:GlobalID", customer.siret, schemeID=SIRET_SCHEME)
    _el(buyer, "ram:Name", customer.name)
    _el(
        _el(buyer, "ram:SpecifiedLegalOrganization"),
        "ram:ID",
        customer.siren,
        schemeID=SIREN_SCHEME,
    )
    _address(
        buyer,
        customer.address.line,
        customer.address.postal_code,
        customer.address.city,
        customer.address.country,
    )
    if customer.vat_id:
        _el(_el(buyer, "ram:SpecifiedTaxRegistration"), "ram:ID", customer.vat_id, schemeID="VA")
    if customer.commitment_number:
        order = _el(agreement, "ram:BuyerOrderReferencedDocument")
        _el(order, "ram:IssuerAssignedID", customer.commitment_number)

    _el(transaction, "ram:ApplicableHeaderTradeDelivery")

    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:PaymentReference", doc.reference_for_payment)
    _el(settlement, "ram:InvoiceCurrencyCode", doc.currency)
    means = _el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    _el(means, "ram:TypeCode", SEPA_CREDIT_TRANSFER)
    _el(means, "ram:Information", "Virement SEPA")
    _el(_el(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID", seller.bank.iban)
    _el(_el(means, "ram:PayeeSpecifiedCreditorFinancialInstitution"), "ram:BICID", seller.bank.bic)
    total = cents(doc.total)
    tax = _el(settlement, "ram:ApplicableTradeTax")
    _el(tax, "ram:CalculatedAmount", _amount(Decimal(0)))
    _el(tax, "ram:TypeCode", "VAT")
    _el(tax, "ram:ExemptionReason", seller.vat_mention)
    _el(tax, "ram:BasisAmount", _amount(total))
    _el(tax, "ram:CategoryCode", EXEMPT)
    if seller.vat_exemption_code:
        _el(tax, "ram:ExemptionReasonCode", seller.vat_exemption_code)
    _el(tax, "ram:RateApplicablePercent", "0")
    terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
    _el(terms, "ram:Description", payment_terms(doc))
    if doc.due_on:
        _date(terms, "ram:DueDateDateTime", doc.due_on)
    sums = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(sums, "ram:LineTotalAmount", _amount(total))
    _el(sums, "ram:TaxBasisTotalAmount", _amount(total))
    _el(sums, "ram:TaxTotalAmount", _amount(Decimal(0)), currencyID=doc.currency)
    _el(sums, "ram:GrandTotalAmount", _amount(total))
    _el(sums, "ram:DuePayableAmount", _amount(total))
    if doc.corrected_invoice:
        referenced = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(referenced, "ram:IssuerAssignedID", doc.corrected_invoice)
        if doc.corrected_invoice_date:
            _date(
                referenced, "ram:FormattedIssueDateTime", doc.corrected_invoice_date, qualified=True
            )
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
