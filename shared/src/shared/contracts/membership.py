"""Events published by the membership service."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.base import Event, Money

Plan = Literal["simple", "premium"]
ApplicationKind = Literal["new", "renewal"]


class CustomerDetails(BaseModel):
    """Who an invoice is addressed to: always the main structure (F1, F3)."""

    model_config = ConfigDict(frozen=True)

    siren: str = Field(pattern=r"^\d{9}$")
    siret: str | None = Field(default=None, pattern=r"^\d{14}$")
    legal_name: str
    address_line: str
    postal_code: str
    city: str
    insee_code: str | None = None
    public_body: bool = False
    email: str | None = None
    #: F8, public bodies invoiced through Chorus Pro: the service code ("code service") and the
    #: commitment number ("numéro d'engagement juridique") the body gave, and whether it
    #: requires each one on its invoices. Optional: added to version 1 without a break.
    chorus_service_code: str | None = Field(default=None, max_length=100)
    chorus_commitment_number: str | None = Field(default=None, max_length=50)
    chorus_service_code_required: bool = False
    chorus_commitment_required: bool = False


class _MembershipEvent(Event):
    producer: ClassVar[str] = "membership"


class MembershipApplicationSubmitted(_MembershipEvent):
    event_type: ClassVar[str] = "MembershipApplicationSubmitted"
    routing_stem: ClassVar[str] = "application.submitted"

    application_id: UUID
    siren: str
    year: int
    plan: Plan
    kind: ApplicationKind
    submitted_at: datetime


class MembershipApproved(_MembershipEvent):
    """The board approved a new membership: billing issues the dues invoice (M5, F1)."""

    event_type: ClassVar[str] = "MembershipApproved"
    routing_stem: ClassVar[str] = "membership.approved"

    membership_id: UUID
    application_id: UUID
    siren: str
    year: int
    plan: Plan
    amount: Money
    customer: CustomerDetails
    approved_at: datetime


class MembershipRejected(_MembershipEvent):
    event_type: ClassVar[str] = "MembershipRejected"
    routing_stem: ClassVar[str] = "application.rejected"

    application_id: UUID
    siren: str
    year: int
    reason: str
    rejected_at: datetime


class MembershipRenewalRequested(_MembershipEvent):
    """A renewal was processed without review: billing issues the dues invoice (M6, F1)."""

    event_type: ClassVar[str] = "MembershipRenewalRequested"
    routing_stem: ClassVar[str] = "membership.renewal_requested"

    membership_id: UUID
    application_id: UUID
    siren: str
    year: int
    plan: Plan
    amount: Money
    customer: CustomerDetails
    requested_at: datetime


class PlanUpgradeRequested(_MembershipEvent):
    """Simple to premium during the year, for the difference (M10, F1)."""

    event_type: ClassVar[str] = "PlanUpgradeRequested"
    routing_stem: ClassVar[str] = "membership.plan_upgrade_requested"

    membership_id: UUID
    upgrade_id: UUID
    siren: str
    year: int
    from_plan: Plan
    to_plan: Plan
    amount: Money
    customer: CustomerDetails
    requested_at: datetime


class MembershipActivated(_MembershipEvent):
    """Payment confirmed a membership (or its upgrade): the rights hold from ``valid_from``.
    Published again with ``grace_until`` when a renewal under way keeps the status (M4)."""

    event_type: ClassVar[str] = "MembershipActivated"
    routing_stem: ClassVar[str] = "membership.activated"

    membership_id: UUID
    siren: str
    year: int
    plan: Plan
    valid_from: date
    valid_until: date
    #: Last day of the renewal grace (M4) once a renewal is under way: the status holds until
    #: then unless the membership lapses first.
    grace_until: date | None = None
    beneficiary_sirets: list[str] = Field(default_factory=list)
    training_organisation: bool = False
    qualiopi_valid_until: date | None = None
    invoice_id: UUID | None = None
    activated_at: datetime


class MembershipLapsed(_MembershipEvent):
    """Member status ended (M4): training and booking withdraw future rights (T9, B9)."""

    event_type: ClassVar[str] = "MembershipLapsed"
    routing_stem: ClassVar[str] = "membership.lapsed"

    membership_id: UUID
    siren: str
    year: int
    #: First day without member status.
    lapsed_on: date
    reason: Literal["not_renewed", "renewal_unpaid", "withdrawn"] = "not_renewed"


class MembershipReinstated(_MembershipEvent):
    """A member lapsed on 1 January renewed within the grace window: its status and rights are
    back until ``grace_until`` (M4), then follow the renewal (``MembershipActivated`` on
    payment, or ``MembershipLapsed`` on 16 February)."""

    event_type: ClassVar[str] = "MembershipReinstated"
    routing_stem: ClassVar[str] = "membership.reinstated"

    membership_id: UUID
    siren: str
    year: int
    plan: Plan
    grace_until: date
    renewal_membership_id: UUID
    reinstated_at: datetime


class BeneficiaryAdded(_MembershipEvent):
    """A secondary establishment sharing the member's SIREN now has its rights (M7)."""

    event_type: ClassVar[str] = "BeneficiaryAdded"
    routing_stem: ClassVar[str] = "structure.beneficiary_added"

    siren: str
    siret: str
    name: str
    added_at: datetime


class BeneficiaryRemoved(_MembershipEvent):
    event_type: ClassVar[str] = "BeneficiaryRemoved"
    routing_stem: ClassVar[str] = "structure.beneficiary_removed"

    siren: str
    siret: str
    removed_at: datetime


class QualiopiCertificationChanged(_MembershipEvent):
    """A training organisation's certificate was recorded or updated (M9); None = no certificate."""

    event_type: ClassVar[str] = "QualiopiCertificationChanged"
    routing_stem: ClassVar[str] = "structure.qualiopi_changed"

    siren: str
    certificate_number: str | None
    valid_until: date | None
    changed_at: datetime
