"""What a use case needs of its unit of work: the database's repositories (or fakes of them in
tests), the clock and the outbox. :class:`membership.unit_of_work.MembershipUnitOfWork` is one.
"""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from membership.domain.applications import ApplicationStatus
from membership.records import (
    ApplicationRecord,
    CampaignRecord,
    DuesCallRecord,
    EstablishmentRecord,
    LapseCandidate,
    MembershipRecord,
    PaidMember,
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
