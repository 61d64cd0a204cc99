"""Settings of the billing service, from the environment."""

from decimal import Decimal

from pydantic import AliasChoices, BaseModel, Field

from billing.domain.mentions import Seller
from shared.settings import ServiceSettings


class SellerSettings(BaseModel):
    """F3: the agency as its invoices name it (``SELLER='{"name": ...}'`` overrides)."""

    name: str = "Cap Métiers Nouvelle-Aquitaine"
    legal_form: str = "Association loi 1901"
    address_line: str = "102 avenue de Canéjan"
    postal_code: str = "33600"
    city: str = "Pessac"
    siret: str = Field(default="83952766000014", pattern=r"^\d{14}$")
    email: str | None = "comptabilite@cap-metiers.fr"
    #: Services of an association to its members: art. 261-7-1° of the CGI, not 293 B.
    vat_mention: str = (
        "TVA non applicable : exonération des services rendus à ses membres par un organisme "
        "sans but lucratif, article 261-7-1° du Code général des impôts."
    )
    late_penalty_terms: str = (
        "En cas de retard de paiement, des pénalités sont exigibles dès le lendemain de la date "
        "d'échéance, au taux d'intérêt appliqué par la Banque centrale européenne à son "
        "opération de refinancement la plus récente majoré de 10 points."
    )
    recovery_indemnity: Decimal = Decimal("40.00")


class InvoicingSettings(BaseModel):
    #: F3: due date = issue date + this many days.
    payment_terms_days: int = Field(default=30, ge=0)
    #: F6: a paid dues invoice not followed by an activation within this delay is a mismatch.
    activation_delay_hours: int = Field(default=24, ge=0)
    #: The overdue scheduler's period in the worker (it is idempotent: re-running is harmless).
    overdue_check_interval_s: int = Field(default=3600, ge=1)


class BillingSettings(ServiceSettings):
    #: ``BILLING_DATABASE_URL`` wins over ``DATABASE_URL``, so that one environment runs all four.
    database_url: str = Field(
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/capmetiers_billing",
        validation_alias=AliasChoices("BILLING_DATABASE_URL", "DATABASE_URL"),
    )
    seller: SellerSettings = Field(default_factory=SellerSettings)
    invoicing: InvoicingSettings = Field(default_factory=InvoicingSettings)

    def seller_identity(self) -> Seller:
        s = self.seller
        return Seller(
            name=s.name,
            legal_form=s.legal_form,
            address_line=s.address_line,
            postal_code=s.postal_code,
            city=s.city,
            siret=s.siret,
            vat_mention=s.vat_mention,
            late_penalty_terms=s.late_penalty_terms,
            recovery_indemnity=s.recovery_indemnity,
            payment_terms_days=self.invoicing.payment_terms_days,
            email=s.email,
        )
