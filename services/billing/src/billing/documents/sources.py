"""F3, F8: the frozen source of each document, from billing's records and settings.

Built in the issuing transaction and stored as JSON: the seller as the settings describe it at
issue, the customer as the invoice names it (with its Chorus Pro references), the lines, the
dates. Text is held to what the XML of a Factur-X file can carry: control characters a name or
a reason might hold are dropped, so that an issued invoice can always be made into a file.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter

from billing.domain.invoices import Line
from billing.domain.mentions import Customer
from billing.formats.document import (
    Address,
    BankAccount,
    DocumentCustomer,
    DocumentInvoice,
    DocumentLine,
    DocumentSeller,
    DocumentType,
    require_public_body_references,
)
from billing.formats.reminders import ReminderLetter
from billing.settings import BillingSettings
from shared.errors import RuleViolated

KIND_TITLE = {
    "membership_new": "Cotisation - nouvelle adhésion",
    "membership_renewal": "Cotisation - renouvellement",
    "plan_upgrade": "Cotisation - changement d'offre",
    "auditorium": "Location de l'auditorium",
}
#: What XML 1.0 cannot hold: C0 controls but tab and line ends, surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

INVOICES: TypeAdapter[DocumentInvoice] = TypeAdapter(DocumentInvoice)
LETTERS: TypeAdapter[ReminderLetter] = TypeAdapter(ReminderLetter)


def printable(text: str) -> str:
    return _NOT_XML.sub("", text)


def _text(value: str | None) -> str | None:
    return None if value is None else printable(value)


def seller_of(settings: BillingSettings) -> DocumentSeller:
    """F3: the agency as its documents name it, from the settings of the day of issue."""
    s = settings.seller
    return DocumentSeller(
        name=s.name,
        legal_form=s.legal_form,
        address=Address(s.address_line, s.postal_code, s.city),
        siret=s.siret,
        bank=BankAccount(s.iban, s.bic),
        vat_mention=s.vat_mention,
        late_penalty_terms=s.late_penalty_terms,
        recovery_indemnity=s.recovery_indemnity,
        vat_id=s.vat_id,
        tax_registration_id=s.tax_registration_id,
        vat_exemption_code=s.vat_exemption_code,
        email=s.email,
    )


def document_customer(
    customer: Customer,
    *,
    service_code: str | None = None,
    commitment_number: str | None = None,
    service_code_required: bool = False,
    commitment_required: bool = False,
) -> DocumentCustomer:
    """F3, F8: the customer as the invoice names it, with its Chorus Pro references."""
    return DocumentCustomer(
        name=printable(customer.legal_name),
        address=Address(
            printable(customer.address_line),
            printable(customer.postal_code),
            printable(customer.city),
        ),
        siren=customer.siren,
        siret=customer.siret,
        public_body=customer.public_body,
        service_code=_text(service_code),
        commitment_number=_text(commitment_number),
        service_code_required=service_code_required,
        commitment_required=commitment_required,
    )


def invoice_document(
    settings: BillingSettings,
    *,
    number: str,
    kind: str,
    customer: DocumentCustomer,
    lines: list[Line],
    total: Decimal,
    issued_on: date,
    due_on: date,
    created_at: datetime,
    seller: DocumentSeller | None = None,
) -> DocumentInvoice:
    """The invoice's document; ``seller``: :func:`seller_of` the settings, made once for many."""
    return DocumentInvoice(
        type=DocumentType.INVOICE,
        number=number,
        issued_on=issued_on,
        seller=seller or seller_of(settings),
        customer=customer,
        lines=tuple(
            DocumentLine(printable(x.description), Decimal(x.quantity), x.unit_price) for x in lines
        ),
        total=total,
        created_at=created_at,
        due_on=due_on,
        payment_terms_days=settings.invoicing.payment_terms_days,
        subject=KIND_TITLE.get(kind, kind),
    )


def credit_note_document(
    settings: BillingSettings,
    invoice: DocumentInvoice,
    *,
    number: str,
    amount: Decimal,
    reason: str,
    issued_on: date,
    created_at: datetime,
) -> DocumentInvoice:
    """F2: a credit note names the invoice it corrects; its customer is that invoice's."""
    why = printable(reason)
    return DocumentInvoice(
        type=DocumentType.CREDIT_NOTE,
        number=number,
        issued_on=issued_on,
        seller=seller_of(settings),
        customer=invoice.customer,
        lines=(DocumentLine(f"Avoir sur la facture {invoice.number} : {why}", Decimal(1), amount),),
        total=amount,
        created_at=created_at,
        payment_terms_days=settings.invoicing.payment_terms_days,
        subject=invoice.subject,
        corrected_invoice=invoice.number,
        corrected_invoice_date=invoice.issued_on,
        reason=why,
    )


def missing_references(customer: DocumentCustomer) -> list[str]:
    """F8: what a public body's Chorus Pro structure requires and the document lacks."""
    try:
        require_public_body_references(customer)
    except RuleViolated as refused:
        return list(refused.extra.get("missing", []))
    return []


def with_references(
    doc: DocumentInvoice,
    *,
    siret: str | None,
    service_code: str | None,
    commitment_number: str | None,
) -> DocumentInvoice:
    """F8: the document with the references finance recorded after issue (None: as issued)."""
    c = doc.customer
    customer = replace(
        c,
        siret=siret or c.siret,
        service_code=_text(service_code) or c.service_code,
        commitment_number=_text(commitment_number) or c.commitment_number,
    )
    return replace(doc, customer=customer)


def encode_invoice(doc: DocumentInvoice) -> dict[str, Any]:
    return INVOICES.dump_python(doc, mode="json")  # type: ignore[no-any-return]


def decode_invoice(source: dict[str, Any]) -> DocumentInvoice:
    return INVOICES.validate_python(source)


def encode_letter(letter: ReminderLetter) -> dict[str, Any]:
    return LETTERS.dump_python(letter, mode="json")  # type: ignore[no-any-return]


def decode_letter(source: dict[str, Any]) -> ReminderLetter:
    return LETTERS.validate_python(source)
