"""Events of the member's role (M11) published by the membership service: the General Assembly
and the open badges."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.base import Event

BadgeKind = Literal["member_of_the_year", "assembly_participation", "training_completed"]


class ConvenedStructure(BaseModel):
    """A member structure convened to a General Assembly, and where its convocation goes: the
    main structure's contact (beneficiaries vote through it, M7)."""

    model_config = ConfigDict(frozen=True)

    siren: str = Field(pattern=r"^\d{9}$")
    legal_name: str
    email: str | None = None


class AssemblyParticipant(BaseModel):
    """A structure that took part in a General Assembly, present or represented by a proxy."""

    model_config = ConfigDict(frozen=True)

    siren: str = Field(pattern=r"^\d{9}$")
    legal_name: str
    participation: Literal["present", "represented"]
    #: For a represented structure: the SIREN of the member that held its proxy.
    proxy_holder_siren: str | None = None


class _GovernanceEvent(Event):
    producer: ClassVar[str] = "membership"


class AssemblyConvened(_GovernanceEvent):
    """A General Assembly was convened (M11): every structure eligible on the day as known
    today, with the contact its convocation goes to. About the assembly (``aggregate_id`` =
    ``assembly_id``) at ``aggregate_version`` 1; its opening and closing follow with newer
    versions."""

    event_type: ClassVar[str] = "AssemblyConvened"
    routing_stem: ClassVar[str] = "assembly.convened"

    assembly_id: UUID
    title: str
    held_on: date
    starts_at: time
    address: str | None = None
    remote_link: str | None = None
    agenda: list[str]
    document_ids: list[UUID] = Field(default_factory=list)
    #: Held because the first convocation did not reach the quorum: no quorum needed.
    second_convocation: bool = False
    convened: list[ConvenedStructure]
    convened_at: datetime


class AssemblyOpened(_GovernanceEvent):
    """A General Assembly opened: the quorum recorded then (M11). About the assembly, at the
    version its opening left it."""

    event_type: ClassVar[str] = "AssemblyOpened"
    routing_stem: ClassVar[str] = "assembly.opened"

    assembly_id: UUID
    held_on: date
    #: Member structures eligible to vote on the day.
    eligible: int
    present: int
    represented: int
    quorum_required: int
    quorum_reached: bool
    second_convocation: bool = False
    opened_at: datetime


class AssemblyClosed(_GovernanceEvent):
    """A General Assembly closed: who took part, and the SHA-256 of its frozen attendance sheet
    and proxy list (CSV and PDF). About the assembly, at the version its closing left it."""

    event_type: ClassVar[str] = "AssemblyClosed"
    routing_stem: ClassVar[str] = "assembly.closed"

    assembly_id: UUID
    held_on: date
    participants: list[AssemblyParticipant]
    attendance_csv_sha256: str
    attendance_pdf_sha256: str
    proxies_csv_sha256: str
    proxies_pdf_sha256: str
    closed_at: datetime


class BadgeAwarded(_GovernanceEvent):
    """An open badge (an Open Badges 3.0 credential) was awarded to a member structure, or to
    one of its employees for a ParcoursPro training. About the award (``aggregate_id`` =
    ``award_id``) at ``aggregate_version`` 1."""

    event_type: ClassVar[str] = "BadgeAwarded"
    routing_stem: ClassVar[str] = "badge.awarded"

    award_id: UUID
    badge: BadgeKind
    #: The structure awarded, or the employee's.
    siren: str
    #: The employee awarded a training badge (their normalised e-mail).
    recipient_email: str | None = None
    #: What it recognises: the year, the assembly's id, or the enrollment's id.
    recognises: str
    #: The credential's id (``urn:uuid:...``).
    credential_id: str
    awarded_at: datetime


class BadgeRevoked(_GovernanceEvent):
    """An open badge was revoked: withdrawn by the agency, or its structure's membership lapsed
    for good (an unpaid or withdrawn renewal; not renewed, once the renewal grace has passed
    without one). Its status list entry now says revoked. About the award, at the version its
    revocation left it."""

    event_type: ClassVar[str] = "BadgeRevoked"
    routing_stem: ClassVar[str] = "badge.revoked"

    award_id: UUID
    badge: BadgeKind
    siren: str
    reason: Literal["withdrawn", "membership_lapsed"]
    revoked_at: datetime
