"""Settings of the billing service, from the environment."""

from decimal import Decimal
from typing import Self

from pydantic import AliasChoices, BaseModel, Field, field_validator, model_validator
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from billing.domain.mentions import Seller
from billing.formats.reminders import ReminderSchedule
from shared.errors import InvalidInput
from shared.settings import ServiceSettings

#: A sample account for development platforms only: production refuses to run on it.
DEVELOPMENT_IBAN = "FR7630004001230001234567843"
DEVELOPMENT_BIC = "BNPAFRPPXXX"


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
    #: F3, F8: the account customers pay by transfer, printed on every invoice and in its XML.
    iban: str = DEVELOPMENT_IBAN
    bic: str = DEVELOPMENT_BIC
    #: EN 16931 BR-E-2: an exempt seller names its VAT number (BT-31) or its tax registration
    #: (BT-32); the association has no VAT number, so its SIREN is its tax registration.
    vat_id: str | None = None
    tax_registration_id: str | None = "839527660"
    #: BT-121, the VATEX code of the exemption: art. 132 (1) (l) of directive 2006/112/EC, which
    #: art. 261-7-1° of the CGI transposes.
    vat_exemption_code: str | None = "VATEX-EU-132-1L"

    @field_validator("iban")
    @classmethod
    def _iban(cls, value: str) -> str:
        try:
            return str(IBAN(value))
        except SchwiftyException as exc:
            raise ValueError(f"the seller's IBAN is not valid: {exc}") from None

    @field_validator("bic")
    @classmethod
    def _bic(cls, value: str) -> str:
        try:
            return str(BIC(value))
        except SchwiftyException as exc:
            raise ValueError(f"the seller's BIC is not valid: {exc}") from None

    @model_validator(mode="after")
    def _identified(self) -> Self:
        if not (self.vat_id or self.tax_registration_id):
            raise ValueError("the seller needs its VAT number or its tax registration (BR-E-2)")
        return self


class InvoicingSettings(BaseModel):
    #: F3: due date = issue date + this many days.
    payment_terms_days: int = Field(default=30, ge=0)
    #: F6: a paid dues invoice not followed by an activation within this delay is a mismatch.
    activation_delay_hours: int = Field(default=24, ge=0)
    #: The overdue scheduler's period in the worker (it is idempotent: re-running is harmless).
    overdue_check_interval_s: int = Field(default=3600, ge=1)
    #: F4 (decision): a payment's date lies between 1 January of this year and today.
    first_year: int = Field(default=2025, ge=2000, le=2100)


class DocumentSettings(BaseModel):
    """F7: how the worker makes the files of the documents issued (``production``)."""

    #: Seconds between two looks for documents without their file.
    interval_s: float = Field(default=5.0, gt=0)
    #: Processes making files in parallel; 0: one at a time, in a worker thread.
    processes: int = Field(default=0, ge=0, le=32)


class ReminderSettings(BaseModel):
    """F3, F6: the finance team's reminder schedule, in days after the due date."""

    #: Reminders, in days after the due date.
    days: list[int] = Field(default_factory=lambda: [15, 30])
    #: The formal notice (mise en demeure), the last level; None: no formal notice.
    formal_notice_days: int | None = 45
    #: Days a formal notice gives before recovery proceedings.
    notice_days: int = Field(default=8, ge=1)
    #: The reminder run's period in the worker (idempotent: re-running sends nothing twice).
    check_interval_s: int = Field(default=3600, ge=1)

    def schedule(self) -> ReminderSchedule:
        return ReminderSchedule.of_days(self.days, formal_notice=self.formal_notice_days)

    @model_validator(mode="after")
    def _a_schedule(self) -> Self:
        try:
            self.schedule()
        except InvalidInput as exc:
            raise ValueError(exc.detail) from None
        return self


class BillingSettings(ServiceSettings):
    #: ``BILLING_DATABASE_URL`` wins over ``DATABASE_URL``, so that one environment runs all four.
    database_url: str = Field(
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/capmetiers_billing",
        validation_alias=AliasChoices("BILLING_DATABASE_URL", "DATABASE_URL"),
    )
    seller: SellerSettings = Field(default_factory=SellerSettings)
    invoicing: InvoicingSettings = Field(default_factory=InvoicingSettings)
    documents: DocumentSettings = Field(default_factory=DocumentSettings)
    reminders: ReminderSettings = Field(default_factory=ReminderSettings)

    @model_validator(mode="after")
    def _real_account_in_production(self) -> Self:
        if self.platform_environment == "production" and self.seller.iban == DEVELOPMENT_IBAN:
            raise ValueError(
                "SELLER must name the agency's own IBAN and BIC in production: invoices tell "
                "customers where to pay"
            )
        return self

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
