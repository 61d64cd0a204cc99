"""Request and response bodies of the membership API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from shared.text import without_nul

#: Client text is refused with a NUL character: PostgreSQL text cannot hold one (a 422, not a 500).
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(without_nul),
]
LongText = Annotated[str, StringConstraints(max_length=10_000), AfterValidator(without_nul)]
Ident = Annotated[str, StringConstraints(max_length=20), AfterValidator(without_nul)]
#: F8: a Chorus Pro service code, a commitment number (on an update, empty removes it).
ChorusServiceCode = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=100), AfterValidator(without_nul)
]
ChorusCommitment = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=50), AfterValidator(without_nul)
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    """A response body, read from a record's attributes."""

    model_config = ConfigDict(from_attributes=True)


class AddressIn(_In):
    siret: Ident
    name: Text | None = None
    address_line: Text
    postal_code: Ident
    city: Text
    #: INSEE commune code: decides the region (M1), not the postal code.
    insee_code: Ident


class StructureIn(_In):
    siren: Ident
    legal_name: Text
    legal_form: Text
    public_body: bool = False
    training_organisation: bool = False
    activity_declaration_number: Ident | None = None
    head_office: AddressIn
    applying_establishment: AddressIn | None = None
    email: Text | None = None
    contact_name: Text | None = None
    phone: Text | None = None
    #: F8, public bodies only: the Chorus Pro service code and commitment number, and whether
    #: the body requires each on its invoices (a required one must be given).
    chorus_service_code: ChorusServiceCode | None = None
    chorus_commitment_number: ChorusCommitment | None = None
    chorus_service_code_required: bool = False
    chorus_commitment_required: bool = False


class StructurePatch(_In):
    legal_name: Text | None = None
    legal_form: Text | None = None
    public_body: bool | None = None
    email: Text | None = None
    contact_name: Text | None = None
    phone: Text | None = None
    training_organisation: bool | None = None
    activity_declaration_number: Ident | None = None
    #: The head office's address; a new INSEE code is checked against M1.
    address_line: Text | None = None
    postal_code: Ident | None = None
    city: Text | None = None
    insee_code: Ident | None = None
    #: F8, public bodies only; an empty reference removes it.
    chorus_service_code: ChorusServiceCode | None = None
    chorus_commitment_number: ChorusCommitment | None = None
    chorus_service_code_required: bool | None = None
    chorus_commitment_required: bool | None = None


class EstablishmentOut(_Out):
    siret: str
    name: str
    role: str
    postal_code: str | None
    city: str | None
    insee_code: str | None


class StructureOut(_Out):
    siren: str
    legal_name: str
    legal_form: str
    public_body: bool
    training_organisation: bool
    activity_declaration_number: str | None
    head_office_siret: str
    address_line: str
    postal_code: str
    city: str
    insee_code: str
    email: str | None
    contact_name: str | None
    phone: str | None
    qualiopi_number: str | None
    qualiopi_valid_until: date | None
    chorus_service_code: str | None
    chorus_commitment_number: str | None
    chorus_service_code_required: bool
    chorus_commitment_required: bool
    establishments: list[EstablishmentOut]


class StructureSummaryOut(_Out):
    """A structure as a list shows it: who, and where its head office is."""

    siren: str
    legal_name: str
    legal_form: str
    public_body: bool
    training_organisation: bool
    head_office_siret: str
    postal_code: str
    city: str
    insee_code: str
    email: str | None


class BeneficiaryIn(_In):
    siret: Ident
    name: Text
    address_line: Text | None = None
    postal_code: Ident | None = None
    city: Text | None = None
    insee_code: Ident | None = None


class QualiopiIn(_In):
    certificate_number: Text
    valid_until: date


class TextsIn(_In):
    structure: LongText | None = None
    activity: LongText | None = None
    motivations: LongText | None = None


class ApplicationIn(_In):
    siren: Ident
    year: int
    plan: Annotated[str, StringConstraints(max_length=40)]
    #: Required for a new membership (M5); a renewal needs none (M6).
    texts: TextsIn = Field(default_factory=TextsIn)


class ApplicationOut(_Out):
    id: UUID
    siren: str
    legal_name: str | None = None
    year: int
    plan: str
    kind: str
    status: str
    submitted_at: datetime
    decided_at: datetime | None
    rejection_reason: str | None
    membership_id: UUID | None
    structure_text: str | None = None
    activity_text: str | None = None
    motivations_text: str | None = None


class RejectIn(_In):
    reason: Annotated[str, StringConstraints(max_length=2000), AfterValidator(without_nul)]


class MembershipOut(_Out):
    id: UUID
    siren: str
    year: int
    plan: str
    kind: str
    state: str
    amount: Decimal
    valid_from: date | None
    premium_from: date | None
    lapsed_on: date | None
    lapse_reason: str | None


class UpgradeIn(_In):
    plan: Annotated[str, StringConstraints(max_length=40)]


class UpgradeOut(_Out):
    upgrade_id: UUID
    amount: Decimal


class RightsOut(_Out):
    siren: str
    resolved_from_siret: str | None
    on: date
    status: str
    plan: str | None
    membership_id: UUID | None
    valid_until: date | None
    grace_until: date | None
    rights: dict[str, bool]
    beneficiary_sirets: list[str]


class RenewalLine(_Out):
    application_id: UUID
    siren: str
    legal_name: str
    plan: str
    previous_plan: str | None
    status: str
    membership_state: str | None
    amount: Decimal | None
    submitted_at: datetime
    changes: list[str]


class RenewalReport(_Out):
    year: int
    count: int
    renewals: list[RenewalLine]


class TariffIn(_In):
    simple: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    premium: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    upgrade: Decimal = Field(ge=0, max_digits=12, decimal_places=2)


class TariffOut(_Out):
    year: int
    simple: Decimal
    premium: Decimal
    upgrade: Decimal
    updated_at: datetime
    updated_by: str | None


class CampaignOut(_Out):
    year: int
    calls_created: int
    calls_total: int


class DuesCallOut(_Out):
    siren: str
    siret: str
    legal_name: str
    email: str | None
    plan: str
    amount: Decimal
    called_at: datetime


class LapseRunIn(_In):
    #: The day to lapse for (defaults to today); never in the future.
    on: date | None = None


class LapsedOut(_Out):
    membership_id: UUID
    siren: str
    year: int
    lapsed_on: date
    reason: str


class LapseRunOut(_Out):
    on: date
    lapsed: list[LapsedOut]
