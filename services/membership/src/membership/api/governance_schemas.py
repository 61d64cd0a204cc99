"""Request and response bodies of the governance API (M11): assemblies, extranet, badges."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, Field, StringConstraints

from membership.api.deps import SIREN_PATTERN
from membership.api.schemas import Text, _In, _Out
from membership.domain.plans import MAX_YEAR, MIN_YEAR
from membership.governance.badges import PersonRecipient, StructureRecipient
from membership.governance.credentials import credential_id
from membership.governance.electorate import Representative
from membership.governance.quorum import Quorum
from membership.records import AssemblyRecord, AwardRecord, DocumentRecord
from membership.use_cases.assemblies import Answer
from shared.text import without_nul
from shared.wall_clock import WallClock

SIREN_OR_SIRET_PATTERN = r"^(\d{9}|\d{14})$"
#: A street address, a link to join remotely: longer than a name, still bounded.
LongLine = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    AfterValidator(without_nul),
]
#: A link to join a remote assembly: HTTPS, no spaces.
RemoteLink = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=500, pattern=r"^https://\S+$"),
    AfterValidator(without_nul),
]
Reason = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    AfterValidator(without_nul),
]


# -- assemblies ------------------------------------------------------------------------------


class RepresentativeIn(_In):
    """The person who speaks and signs for the structure."""

    name: Text
    email: Text | None = None
    position: Text | None = None

    def value(self) -> Representative:
        return Representative(self.name, self.email, self.position)


class AssemblyIn(_In):
    title: Text
    held_on: date
    starts_at: WallClock
    #: Where it is held, or the link to join it remotely, or both.
    address: LongLine | None = None
    remote_link: RemoteLink | None = None
    agenda: list[Text] = Field(min_length=1, max_length=50)
    #: Held because the first convocation did not reach the quorum: no quorum needed.
    second_convocation: bool = False
    #: Extranet documents sent with the convocation.
    document_ids: list[UUID] = Field(default_factory=list, max_length=50)


class AttendIn(_In):
    """The structure attends, in person or by its connection, represented by someone."""

    answer: Literal["attend"]
    representative: RepresentativeIn


class ProxyIn(_In):
    """The structure gives its proxy (mandat) to another member."""

    answer: Literal["proxy"]
    holder_siren: Annotated[str, Field(pattern=SIREN_PATTERN)]


AnswerIn = Annotated[AttendIn | ProxyIn, Field(discriminator="answer")]


class SignatureIn(_In):
    #: The structure's SIREN, or the SIRET of one of its establishments (it votes as one).
    siren: Annotated[str, Field(pattern=SIREN_OR_SIRET_PATTERN)]
    representative: RepresentativeIn


class RepresentativeOut(_Out):
    name: str
    email: str | None
    position: str | None


class AttendanceOut(_Out):
    siren: str
    structure_name: str
    representative: RepresentativeOut
    answered_at: datetime


class ProxyOut(_Out):
    giver: str
    giver_name: str
    holder: str
    holder_name: str
    given_at: datetime
    status: str
    ended_at: datetime | None


class SignatureOut(_Out):
    siren: str
    structure_name: str
    representative: RepresentativeOut
    signed_at: datetime
    signed_by: str


class QuorumOut(_Out):
    eligible: int
    present: int
    represented: int
    counted: int
    required: int
    reached: bool
    share: Decimal
    second_convocation: bool

    @classmethod
    def of(cls, quorum: Quorum | None) -> QuorumOut | None:
        if quorum is None:
            return None
        return cls(
            eligible=quorum.eligible,
            present=quorum.present,
            represented=quorum.represented,
            counted=quorum.counted,
            required=quorum.required,
            reached=quorum.reached,
            share=quorum.share,
            second_convocation=quorum.second_convocation,
        )


class QuorumNowOut(_Out):
    assembly_id: UUID
    state: str
    #: As the attendance sheet stands now; none once the assembly is closed.
    now: QuorumOut | None
    #: As recorded at the opening.
    recorded: QuorumOut | None


class AnswerOut(_Out):
    assembly_id: UUID
    siren: str
    #: Who represents the structure, when it attends (announced or signed).
    attends: RepresentativeOut | None
    #: The member holding its proxy, when it gave one.
    proxy_holder: str | None
    #: The members whose proxies it holds.
    proxies_held: list[str]
    #: Signed the attendance sheet.
    signed: bool

    @classmethod
    def of(cls, assembly_id: UUID, answer: Answer) -> AnswerOut:
        return cls(
            assembly_id=assembly_id,
            siren=answer.siren,
            attends=RepresentativeOut.model_validate(answer.attends) if answer.attends else None,
            proxy_holder=answer.proxy.holder if answer.proxy else None,
            proxies_held=[p.giver for p in answer.proxies_held],
            signed=answer.signed,
        )


class AssemblySummaryOut(_Out):
    id: UUID
    title: str
    held_on: date
    starts_at: WallClock
    state: str
    second_convocation: bool
    convened_on: date


class AssemblyOut(AssemblySummaryOut):
    address: str | None
    remote_link: str | None
    agenda: list[str]
    document_ids: list[UUID]
    quorum: QuorumOut | None
    opened_at: datetime | None
    closed_at: datetime | None
    #: For staff and the board: every answer, proxy and signature.
    attendances: list[AttendanceOut] | None = None
    proxies: list[ProxyOut] | None = None
    signatures: list[SignatureOut] | None = None
    #: For a member: its own answer.
    answer: AnswerOut | None = None

    @classmethod
    def of(
        cls, record: AssemblyRecord, *, everything: bool, answer: Answer | None = None
    ) -> AssemblyOut:
        assembly = record.assembly
        details: dict[str, Any] = {}
        if everything:
            details = {
                "attendances": [AttendanceOut.model_validate(a) for a in assembly.attendances],
                "proxies": [ProxyOut.model_validate(p) for p in assembly.proxies],
                "signatures": [SignatureOut.model_validate(s) for s in assembly.signatures],
            }
        return cls(
            id=assembly.id,
            title=assembly.title,
            held_on=assembly.held_on,
            starts_at=assembly.starts_at,
            state=assembly.state.value,
            second_convocation=assembly.second_convocation,
            convened_on=assembly.convened_on,
            address=assembly.venue.address,
            remote_link=assembly.venue.link,
            agenda=list(assembly.agenda),
            document_ids=list(assembly.documents),
            quorum=QuorumOut.of(assembly.quorum),
            opened_at=assembly.opened_at,
            closed_at=assembly.closed_at,
            answer=AnswerOut.of(assembly.id, answer) if answer is not None else None,
            **details,
        )


# -- the extranet ----------------------------------------------------------------------------


class DocumentVersionOut(_Out):
    number: int
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class DocumentOut(_Out):
    id: UUID
    kind: str
    title: str
    assembly_id: UUID | None
    published_at: datetime
    #: The version members download.
    current: DocumentVersionOut
    #: For staff and the board: every version, and the withdrawal.
    versions: list[DocumentVersionOut] | None = None
    withdrawn_at: datetime | None = None
    withdrawal_reason: str | None = None

    @classmethod
    def of(cls, record: DocumentRecord, *, everything: bool) -> DocumentOut:
        document = record.document
        details: dict[str, Any] = {}
        if everything:
            details = {
                "versions": [DocumentVersionOut.model_validate(v) for v in document.versions],
                "withdrawn_at": document.withdrawn_at,
                "withdrawal_reason": document.withdrawal_reason,
            }
        return cls(
            id=document.id,
            kind=document.kind.value,
            title=document.title,
            assembly_id=document.assembly_id,
            published_at=record.published_at,
            current=DocumentVersionOut.model_validate(document.current),
            **details,
        )


class WithdrawIn(_In):
    reason: Reason


class DownloadOut(_Out):
    id: UUID
    document_id: UUID
    title: str
    version: int
    sha256: str
    subject: str
    siren: str | None
    downloaded_at: datetime


# -- the open badges ---------------------------------------------------------------------------


class BadgeOut(_Out):
    id: UUID
    badge: str
    #: The structure awarded, or the employee's.
    siren: str
    structure_name: str | None
    #: The employee awarded a training badge.
    recipient_email: str | None
    #: What it recognises: the year, the assembly's id, the enrollment's id.
    recognises: str
    activity_on: date | None
    participation: str | None
    awarded_at: datetime
    revoked_at: datetime | None
    revocation_reason: str | None
    revocation_note: str | None
    #: The credential's id (``urn:uuid:...``).
    credential_id: str
    #: The signed Open Badges 3.0 credential (VC-JWT, EdDSA): what the holder shows and any
    #: verifier checks (``POST /badges/verify``).
    credential: str | None = None

    @classmethod
    def of(cls, record: AwardRecord, credential: str | None = None) -> BadgeOut:
        award = record.award
        recipient = award.recipient
        return cls(
            id=award.id,
            badge=award.kind.value,
            siren=award.siren,
            structure_name=recipient.name if isinstance(recipient, StructureRecipient) else None,
            recipient_email=recipient.email if isinstance(recipient, PersonRecipient) else None,
            recognises=award.context,
            activity_on=award.activity_on,
            participation=award.participation,
            awarded_at=award.awarded_at,
            revoked_at=award.revoked_at,
            revocation_reason=award.revocation_reason.value if award.revocation_reason else None,
            revocation_note=record.revocation_note,
            credential_id=credential_id(award),
            credential=credential,
        )


class MemberOfTheYearIn(_In):
    siren: Annotated[str, Field(pattern=SIREN_PATTERN)]
    year: int = Field(ge=MIN_YEAR, le=MAX_YEAR)


class BadgeWithdrawIn(_In):
    reason: Reason


class VerifyIn(_In):
    #: The credential as the holder shows it: a compact JWS (VC-JWT).
    credential: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=65_536)
    ]


class VerificationOut(_Out):
    status: Literal["valid", "revoked", "invalid"]
    verified: bool
    problems: list[str]
    #: The credential's content, once its signature verified.
    credential: dict[str, Any] | None
