"""What a use case needs of its unit of work: the database's repositories (or fakes of them in
tests), the clock and the outbox. :class:`membership.unit_of_work.MembershipUnitOfWork` is one.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from membership.domain.applications import ApplicationStatus
from membership.governance.assembly import Assembly
from membership.governance.badges import Award, BadgeKind
from membership.governance.exports import AssemblyRecords
from membership.governance.extranet import (
    Document,
    DocumentKind,
    DocumentVersion,
    DownloadRecord,
)
from membership.records import (
    ApplicationRecord,
    AssemblyRecord,
    AwardRecord,
    CampaignRecord,
    DocumentFile,
    DocumentRecord,
    DuesCallRecord,
    EstablishmentRecord,
    FrozenFileRecord,
    LapseCandidate,
    Listing,
    MembershipRecord,
    PaidMember,
    StatusListRecord,
    StructureRecord,
    TariffRecord,
    UpgradeRecord,
)
from shared.clock import Clock
from shared.messaging.outbox import OutboxWriter


class Structures(Protocol):
    async def structure(
        self, siren: str, *, for_update: bool = False
    ) -> StructureRecord | None: ...

    async def structures_of(self, sirens: Collection[str]) -> list[StructureRecord]: ...

    async def add_structure(self, record: StructureRecord) -> StructureRecord | None: ...

    async def save_structure(self, record: StructureRecord) -> StructureRecord: ...

    async def establishment(self, siret: str) -> EstablishmentRecord | None: ...

    async def establishments_of(self, siren: str) -> list[EstablishmentRecord]: ...

    async def beneficiary_sirets(self, siren: str) -> list[str]: ...

    async def add_establishment(self, record: EstablishmentRecord) -> EstablishmentRecord: ...

    async def save_establishment(self, record: EstablishmentRecord) -> EstablishmentRecord: ...


class Applications(Protocol):
    async def add_application(self, record: ApplicationRecord) -> ApplicationRecord: ...

    async def application(
        self, application_id: UUID, *, for_update: bool = False
    ) -> ApplicationRecord | None: ...

    async def save_application(self, record: ApplicationRecord) -> ApplicationRecord: ...

    async def statuses(self, siren: str, year: int) -> list[ApplicationStatus]: ...

    async def pending_review_years(self, siren: str) -> list[int]: ...


class Memberships(Protocol):
    async def add_membership(self, record: MembershipRecord) -> MembershipRecord: ...

    async def membership(
        self, membership_id: UUID, *, for_update: bool = False
    ) -> MembershipRecord | None: ...

    async def membership_of(
        self, siren: str, year: int, *, for_update: bool = False
    ) -> MembershipRecord | None: ...

    async def memberships_of(self, siren: str) -> list[MembershipRecord]: ...

    async def memberships_in(
        self, years: Collection[int], sirens: Collection[str] | None = None
    ) -> list[MembershipRecord]: ...

    async def paid_years(self, siren: str) -> list[int]: ...

    async def save_membership(self, record: MembershipRecord) -> MembershipRecord: ...

    async def lapse_candidates(self, before_year: int) -> list[LapseCandidate]: ...

    async def paid_members_of(self, year: int) -> list[PaidMember]: ...

    async def add_upgrade(self, record: UpgradeRecord) -> UpgradeRecord: ...

    async def upgrade(
        self, upgrade_id: UUID, *, for_update: bool = False
    ) -> UpgradeRecord | None: ...

    async def upgrades_of(self, membership_id: UUID) -> list[UpgradeRecord]: ...

    async def save_upgrade(self, record: UpgradeRecord) -> UpgradeRecord: ...


class Dues(Protocol):
    async def tariff(self, year: int) -> TariffRecord | None: ...

    async def put_tariff(self, record: TariffRecord) -> TariffRecord: ...

    async def campaign_years(self) -> list[int]: ...

    async def start_campaign(self, record: CampaignRecord) -> None: ...

    async def lock_campaign(self, year: int) -> None: ...

    async def called_sirens(self, year: int) -> set[str]: ...

    async def add_calls(self, calls: list[DuesCallRecord]) -> None: ...


class Assemblies(Protocol):
    async def add_assembly(
        self, assembly: Assembly, *, at: datetime, by: str
    ) -> AssemblyRecord: ...

    async def assembly(
        self, assembly_id: UUID, *, for_update: bool = False
    ) -> AssemblyRecord | None: ...

    async def save_assembly(
        self, record: AssemblyRecord, changed: Assembly, *, by: str
    ) -> AssemblyRecord: ...

    async def freeze(
        self, assembly_id: UUID, records: AssemblyRecords, *, at: datetime
    ) -> None: ...

    async def frozen_file(
        self, assembly_id: UUID, record: str, file_format: str
    ) -> FrozenFileRecord | None: ...


class Extranet(Protocol):
    async def add_document(self, document: Document, content: bytes) -> DocumentRecord: ...

    async def add_version(
        self, document_id: UUID, version: DocumentVersion, content: bytes
    ) -> None: ...

    async def document(
        self, document_id: UUID, *, for_update: bool = False
    ) -> DocumentRecord | None: ...

    async def save_withdrawal(
        self, record: DocumentRecord, withdrawn: Document, by: str
    ) -> None: ...

    async def in_force(self, document_ids: Collection[UUID]) -> set[UUID]: ...

    async def list_documents(
        self,
        *,
        kinds: Collection[DocumentKind] = (),
        assembly_id: UUID | None = None,
        include_withdrawn: bool,
        limit: int,
        offset: int,
    ) -> Listing[DocumentRecord]: ...

    async def file(self, document_id: UUID, number: int) -> DocumentFile | None: ...

    async def log_download(self, record: DownloadRecord, id: UUID) -> None: ...


class Badges(Protocol):
    async def add_award(self, award: Award, *, by: str) -> AwardRecord: ...

    async def award(self, award_id: UUID, *, for_update: bool = False) -> AwardRecord | None: ...

    async def awards_for(self, kind: BadgeKind, context: str) -> list[AwardRecord]: ...

    async def save_revocation(
        self, record: AwardRecord, revoked: Award, *, note: str | None, by: str
    ) -> AwardRecord: ...

    async def structure_awards_before(self, siren: str, before: date) -> list[AwardRecord]: ...

    async def awards_of_final_lapses(
        self, *, final_reasons: Collection[str], deferred_reason: str, deferred_up_to_year: int
    ) -> list[tuple[AwardRecord, date]]: ...

    async def status_list(self, purpose: str) -> StatusListRecord | None: ...

    async def create_status_list(
        self, purpose: str, *, size: int, empty: str, at: datetime
    ) -> None: ...

    async def lock_status_list(self, purpose: str) -> StatusListRecord | None: ...

    async def save_status_list(
        self, record: StatusListRecord, encoded: str, at: datetime
    ) -> StatusListRecord: ...

    async def taken_indexes(self) -> set[int]: ...

    async def revoked_indexes(self) -> set[int]: ...


class MembershipUoW(Protocol):
    """The unit of work of a use case; the edge that opened it commits it."""

    @property
    def clock(self) -> Clock: ...

    @property
    def outbox(self) -> OutboxWriter: ...

    @property
    def structures(self) -> Structures: ...

    @property
    def applications(self) -> Applications: ...

    @property
    def memberships(self) -> Memberships: ...

    @property
    def dues(self) -> Dues: ...

    @property
    def assemblies(self) -> Assemblies: ...

    @property
    def extranet(self) -> Extranet: ...

    @property
    def badges(self) -> Badges: ...
