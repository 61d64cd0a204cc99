"""F3, F8: what an invoice or credit note document says, as plain inputs.

Billing maps its invoice, credit-note, customer and seller records onto these dataclasses;
the Factur-X, Chorus Pro and reminder modules only read them. Amounts are ``Decimal`` euros;
the association's services to its members are exempt from VAT (category E, rate 0), with the
exemption mention of the seller's configuration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from shared.errors import InvalidInput, RuleViolated

LOCALE = "fr_FR"
CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def euros(amount: Decimal) -> str:
    """``1234.5`` -> ``1 234,50 €`` as French typography writes it (narrow spaces)."""
    return str(format_currency(cents(amount), "EUR", locale=LOCALE))


def quantity_text(quantity: Decimal) -> str:
    return str(format_decimal(quantity, locale=LOCALE))


def day(on: date) -> str:
    """``01/03/2025``."""
    return str(format_date(on, "short", locale=LOCALE))


def long_day(on: date) -> str:
    """``1 mars 2025``."""
    return str(format_date(on, "long", locale=LOCALE))


class DocumentType(Enum):
    """UNTDID 1001 document codes of EN 16931."""

    INVOICE = "380"
    CREDIT_NOTE = "381"

    @property
    def title(self) -> str:
        return "Facture" if self is DocumentType.INVOICE else "Avoir"


@dataclass(frozen=True)
class Address:
    line: str
    postal_code: str
    city: str
    country: str = "FR"


@dataclass(frozen=True)
class BankAccount:
    """Where the customer pays: checked (ISO 13616 and ISO 9362) when built."""

    iban: str
    bic: str

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "iban", str(IBAN(self.iban)))
            object.__setattr__(self, "bic", str(BIC(self.bic)))
        except SchwiftyException as exc:
            raise InvalidInput(f"The seller's bank account is not valid: {exc}.") from None

    @property
    def iban_display(self) -> str:
        return IBAN(self.iban).formatted


@dataclass(frozen=True)
class DocumentSeller:
    """F3: the agency, from billing's configuration."""

    name: str
    legal_form: str
    address: Address
    siret: str
    bank: BankAccount
    vat_mention: str
    late_penalty_terms: str
    recovery_indemnity: Decimal
    #: EN 16931 BR-E-2: an exempt seller is identified by its VAT number or tax registration.
    vat_id: str | None = None
    tax_registration_id: str | None = None
    #: VATEX code of the exemption (BT-121), the mention (BT-120) being ``vat_mention``.
    vat_exemption_code: str | None = None
    email: str | None = None
    discount_terms: str = "Pas d'escompte pour paiement anticipé."

    @property
    def siren(self) -> str:
        return self.siret[:9]

    @property
    def siret_display(self) -> str:
        s = self.siret
        return f"{s[:3]} {s[3:6]} {s[6:9]} {s[9:]}"


@dataclass(frozen=True)
class DocumentCustomer:
    """F3, F8: the main structure invoiced; a public body is invoiced through Chorus Pro."""

    name: str
    address: Address
    siren: str
    siret: str | None = None
    vat_id: str | None = None
    professional: bool = True
    public_body: bool = False
    #: Chorus Pro: the buyer's service code (``BuyerReference``) and the commitment number
    #: (engagement juridique, ``BuyerOrderReferencedDocument``), and whether the buyer's
    #: Chorus Pro structure makes each compulsory.
    service_code: str | None = None
    commitment_number: str | None = None
    service_code_required: bool = False
    commitment_required: bool = False


def require_public_body_references(customer: DocumentCustomer) -> None:
    """F8: a public body is invoiced with its SIRET, and with the service code and the
    commitment number its Chorus Pro structure requires."""
    if not customer.public_body:
        return
    missing = []
    if not (customer.siret and len(customer.siret) == 14 and customer.siret.isdigit()):
        missing.append("its SIRET")
    if customer.service_code_required and not (customer.service_code or "").strip():
        missing.append("its Chorus Pro service code")
    if customer.commitment_required and not (customer.commitment_number or "").strip():
        missing.append("its commitment number (engagement juridique)")
    if missing:
        raise RuleViolated(
            "F8",
            f"{customer.name} is a public body invoiced through Chorus Pro: record "
            + " and ".join(missing)
            + " before invoicing it.",
            siren=customer.siren,
            missing=missing,
        )


@dataclass(frozen=True)
class DocumentLine:
    description: str
    quantity: Decimal
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return cents(self.quantity * self.unit_price)


@dataclass(frozen=True)
class DocumentInvoice:
    """An invoice (380) or a credit note (381), as issued: it never changes (F2), so its
    document is made once and stored with its checksum."""

    type: DocumentType
    number: str
    issued_on: date
    seller: DocumentSeller
    customer: DocumentCustomer
    lines: tuple[DocumentLine, ...]
    #: The total billing recorded; it must be the sum of the lines.
    total: Decimal
    #: When the document was made: its PDF and XMP dates, so that its bytes are reproducible.
    created_at: datetime
    due_on: date | None = None
    payment_terms_days: int = 30
    #: What the payer writes in the transfer (BT-83); the document number by default.
    payment_reference: str | None = None
    subject: str = ""
    #: A credit note names the invoice it corrects (BT-25) and why.
    corrected_invoice: str | None = None
    corrected_invoice_date: date | None = None
    reason: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    currency: str = "EUR"

    def __post_init__(self) -> None:
        problems = []
        if not self.lines:
            problems.append("a document has at least one line")
        for index, line in enumerate(self.lines, start=1):
            if line.quantity <= 0 or line.unit_price < 0 or not line.description.strip():
                problems.append(f"line {index} needs a text, a positive quantity and a price")
        if self.lines and sum((ln.amount for ln in self.lines), Decimal(0)) != cents(self.total):
            problems.append(f"the lines do not add up to the total {self.total}")
        if self.type is DocumentType.CREDIT_NOTE and not self.corrected_invoice:
            problems.append("a credit note names the invoice it corrects")
        if self.created_at.tzinfo is None:
            problems.append("the creation time carries its time zone")
        if problems:
            raise InvalidInput(
                f"Document {self.number} cannot be made: {problems[0]}.", problems=problems
            )

    @property
    def reference_for_payment(self) -> str:
        return self.payment_reference or self.number

    @property
    def title(self) -> str:
        return f"{self.type.title} n° {self.number}"
