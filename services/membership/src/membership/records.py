"""What the repositories return: typed, frozen records of the rows (never SQLAlchemy rows).

A record of a row that events are about carries the row's ``version``, as the database left it
(the ``RETURNING version`` of the write that changed it), and its ``aggregate_id``:
:func:`membership.use_cases.common.aggregate` builds the events' :class:`AggregateRef` from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar
from uuid import UUID

from membership.domain.applications import ApplicationStatus, Kind
from membership.domain.plans import Plan, Tariff
from membership.domain.validity import LapseReason, MembershipFacts, MembershipState
from membership.governance.assembly import Assembly, AssemblyState
from membership.governance.badges import Award
from membership.governance.extranet import Document, DocumentVersion

R = TypeVar("R")


class EstablishmentRole(StrEnum):
    HEAD_OFFICE = "head_office"
    #: The applying establishment, when it is not the head office (M1).
    APPLICANT = "applicant"
    #: A secondary establishment declared by the member (M7).
    BENEFICIARY = "beneficiary"


class UpgradeState(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class StructureRecord:
    """A structure (legal entity, SIREN) and its head office address (M1); aggregate: SIREN."""

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
    created_at: datetime
    qualiopi_number: str | None = None
    qualiopi_valid_until: date | None = None
    #: F8: a public body's Chorus Pro references, and which of them it requires.
    chorus_service_code: str | None = None
    chorus_commitment_number: str | None = None
    chorus_service_code_required: bool = False
    chorus_commitment_required: bool = False
    version: int = 1

    @property
    def aggregate_id(self) -> str:
        return self.siren


@dataclass(frozen=True)
class EstablishmentRecord:
    """An establishment (SIRET) of a structure; aggregate: SIRET."""

    siret: str
    siren: str
    name: str
    role: EstablishmentRole
    added_at: datetime
    address_line: str | None = None
    postal_code: str | None = None
    city: str | None = None
    insee_code: str | None = None
    removed_at: datetime | None = None
    version: int = 1

    @property
    def aggregate_id(self) -> str:
        return self.siret

    @property
    def declared(self) -> bool:
        """Head office or beneficiary still declared: it resolves to the member's rights (M7)."""
        return self.removed_at is None and self.role is not EstablishmentRole.APPLICANT


@dataclass(frozen=True)
class ApplicationRecord:
    """An application for a year (M5, M6); aggregate: its id."""

    id: UUID
    siren: str
    year: int
    plan: Plan
    kind: Kind
    status: ApplicationStatus
    submitted_at: datetime
    submitted_by: str
    structure_text: str | None = None
    activity_text: str | None = None
    motivations_text: str | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    rejection_reason: str | None = None
    membership_id: UUID | None = None
    version: int = 1

    @property
    def aggregate_id(self) -> str:
        return str(self.id)


@dataclass(frozen=True)
class ApplicationLine:
    """An application as a list shows it, with its structure's name."""

    application: ApplicationRecord
    legal_name: str


@dataclass(frozen=True)
class MembershipRecord:
    """A structure's membership of one year (M3); aggregate: its id."""

    id: UUID
    siren: str
    year: int
    plan: Plan
    kind: Kind
    state: MembershipState
    application_id: UUID
    amount: Decimal
    submitted_on: date
    created_at: datetime
    valid_from: date | None = None
    premium_from: date | None = None
    invoice_id: UUID | None = None
    activated_at: datetime | None = None
    lapsed_on: date | None = None
    lapse_reason: LapseReason | None = None
    withdrawn_at: datetime | None = None
    upgrade_id: UUID | None = None
    version: int = 1

    @property
    def aggregate_id(self) -> str:
        return str(self.id)

    def facts(self) -> MembershipFacts:
        """What the rules of validity and grace read of it (M3, M4)."""
        return MembershipFacts(
            year=self.year,
            plan=self.plan,
            kind=self.kind,
            state=self.state,
            submitted_on=self.submitted_on,
            valid_from=self.valid_from,
            premium_from=self.premium_from,
            lapse_reason=self.lapse_reason,
            key=str(self.id),
        )


@dataclass(frozen=True)
class LapseCandidate:
    """A paid membership still marked active, with the next year's membership if unpaid."""

    membership: MembershipRecord
    successor: MembershipRecord | None


@dataclass(frozen=True)
class UpgradeRecord:
    """A plan upgrade request (M10)."""

    id: UUID
    membership_id: UUID
    siren: str
    year: int
    from_plan: Plan
    to_plan: Plan
    amount: Decimal
    state: UpgradeState
    requested_at: datetime
    paid_on: date | None = None
    invoice_id: UUID | None = None


@dataclass(frozen=True)
class TariffRecord:
    """The dues of one year as stored (M2, M10)."""

    year: int
    simple: Decimal
    premium: Decimal
    upgrade: Decimal
    updated_at: datetime
    updated_by: str | None

    @property
    def tariff(self) -> Tariff:
        return Tariff(
            year=self.year, simple=self.simple, premium=self.premium, upgrade=self.upgrade
        )


@dataclass(frozen=True)
class PaidMember:
    """A main structure holding a paid membership of a year: whom the campaign calls (M8)."""

    siren: str
    plan: Plan
    head_office_siret: str
    legal_name: str
    email: str | None


@dataclass(frozen=True)
class DuesCallRecord:
    """One call for dues of a renewal campaign (M8)."""

    year: int
    siren: str
    siret: str
    legal_name: str
    email: str | None
    plan: Plan
    amount: Decimal
    called_at: datetime


@dataclass(frozen=True)
class CampaignRecord:
    year: int
    started_at: datetime
    started_by: str


@dataclass(frozen=True)
class RenewalRecord:
    """A line of the board's renewal summary (M6)."""

    application_id: UUID
    siren: str
    legal_name: str
    plan: Plan
    status: ApplicationStatus
    submitted_at: datetime
    membership_state: MembershipState | None
    amount: Decimal | None
    previous_plan: Plan | None
    previous_premium_from: date | None


# -- governance (M11) ------------------------------------------------------------------------


@dataclass(frozen=True)
class AssemblyRecord:
    """A General Assembly with its answers, proxies and signatures; aggregate: its id."""

    assembly: Assembly
    convened_at: datetime
    convened_by: str
    opened_by: str | None = None
    closed_by: str | None = None
    version: int = 1

    @property
    def aggregate_id(self) -> str:
        return str(self.assembly.id)


@dataclass(frozen=True)
class AssemblySummary:
    """An assembly as a list shows it."""

    id: UUID
    title: str
    held_on: date
    starts_at: time
    state: AssemblyState
    second_convocation: bool
    convened_on: date


@dataclass(frozen=True)
class FrozenFileRecord:
    """One of the four frozen records of a closed assembly, as stored."""

    assembly_id: UUID
    record: str
    format: str
    filename: str
    media_type: str
    content: bytes
    sha256: str
    frozen_at: datetime


@dataclass(frozen=True)
class DocumentRecord:
    """An extranet document with its versions (without their bytes); aggregate: its id."""

    document: Document
    published_at: datetime
    published_by: str
    withdrawn_by: str | None = None
    version: int = 1

    @property
    def aggregate_id(self) -> str:
        return str(self.document.id)


@dataclass(frozen=True)
class DocumentFile:
    """A version of a document and its bytes."""

    version: DocumentVersion
    content: bytes


@dataclass(frozen=True)
class DownloadLine:
    """A line of the extranet's download log, with the document's title."""

    id: UUID
    document_id: UUID
    title: str
    version: int
    sha256: str
    subject: str
    siren: str | None
    downloaded_at: datetime


@dataclass(frozen=True)
class AwardRecord:
    """An open badge awarded; aggregate: its id."""

    award: Award
    awarded_by: str
    revocation_note: str | None = None
    revoked_by: str | None = None
    version: int = 1

    @property
    def aggregate_id(self) -> str:
        return str(self.award.id)


@dataclass(frozen=True)
class StatusListRecord:
    """The badges' status list as last written: ``updated_at`` is its ``validFrom``."""

    purpose: str
    size: int
    encoded_list: str
    updated_at: datetime
    version: int = 1


@dataclass(frozen=True)
class Listing(Generic[R]):
    """One page of a list, and how many records match in all."""

    items: list[R]
    total: int
