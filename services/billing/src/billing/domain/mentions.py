"""F3: the mentions a French invoice carries, from configuration (never hard-coded here)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from billing.domain.money import format_eur


@dataclass(frozen=True)
class Seller:
    """The agency as it appears on its invoices; the values come from the settings."""

    name: str
    legal_form: str
    address_line: str
    postal_code: str
    city: str
    siret: str
    vat_mention: str
    late_penalty_terms: str
    recovery_indemnity: Decimal
    payment_terms_days: int
    email: str | None = None

    @property
    def siren(self) -> str:
        return self.siret[:9]

    @property
    def siret_display(self) -> str:
        s = self.siret
        return f"{s[:3]} {s[3:6]} {s[6:9]} {s[9:]}"

    @property
    def address(self) -> str:
        return f"{self.address_line}, {self.postal_code} {self.city}"


@dataclass(frozen=True)
class Customer:
    siren: str
    legal_name: str
    address_line: str
    postal_code: str
    city: str
    siret: str | None = None
    public_body: bool = False


def seller_block(seller: Seller) -> list[str]:
    lines = [seller.name, seller.legal_form, seller.address_line]
    lines.append(f"{seller.postal_code} {seller.city}")
    lines.append(f"SIRET {seller.siret_display}")
    if seller.email:
        lines.append(seller.email)
    return lines


def customer_block(customer: Customer) -> list[str]:
    lines = [customer.legal_name, customer.address_line, f"{customer.postal_code} {customer.city}"]
    lines.append(f"SIREN {customer.siren}")
    if customer.siret:
        lines.append(f"SIRET {customer.siret}")
    return lines


def legal_mentions(seller: Seller, *, professional_customer: bool = True) -> list[str]:
    """F3: VAT (or its exemption), payment terms, late-payment penalties, recovery indemnity."""
    mentions = [
        seller.vat_mention,
        f"Paiement à {seller.payment_terms_days} jours à compter de la date d'émission ; "
        "pas d'escompte pour paiement anticipé.",
        seller.late_penalty_terms,
    ]
    if professional_customer:
        mentions.append(
            "Indemnité forfaitaire pour frais de recouvrement due en cas de retard de paiement : "
            f"{format_eur(seller.recovery_indemnity)} (art. L441-10 et D441-5 du Code de commerce)."
        )
    return mentions
