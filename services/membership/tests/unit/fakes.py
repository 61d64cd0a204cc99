"""In-memory repositories behind the use cases' unit of work, for tests without a server.

They keep what the SQL repositories keep, as dicts of records: a new row is version 1, a saved
one its version plus one (refused if the version moved), as ``RETURNING version`` gives it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

from membership.domain.applications import ApplicationStatus
from membership.domain.validity import MembershipState
from membership.records import (
    ApplicationRecord,
    CampaignRecord,
    DuesCallRecord,
    EstablishmentRecord,
    EstablishmentRole,
    LapseCandidate,
    MembershipRecord,
    PaidMember,
    StructureRecord,
    TariffRecord,
    UpgradeRecord,
)
from shared.clock import Clock
from shared.errors import Conflict
from shared.testing.fakes import InMemoryUnitOfWork

V = TypeVar("V")


def _saved(table: dict[Any, V], key: Any, record: V) -> V:
    stored: Any = table[key]
    if stored.version != record.version:  # type: ignore[attr-defined]
        raise Conflict("changed meanwhile")
    saved = replace(record, version=stored.version + 1)  # type: ignore[type-var]
    table[key] = saved
    return saved


class FakeStructures:
    def __init__(self) -> None:
        self.structures: dict[str, StructureRecord] = {}
        self.establishments: dict[str, EstablishmentRecord] = {}

    async def structure(self, siren: str, *, for_update: bool = False) -> StructureRecord | None:
        return self.structures.get(siren)

    async def add_structure(self, record: StructureRecord) -> StructureRecord | None:
        if record.siren in self.structures:
            return None
        self.structures[record.siren] = replace(record, version=1)
        return self.structures[record.siren]

    async def save_structure(self, record: StructureRecord) -> StructureRecord:
        return _saved(self.structures, record.siren, record)

    async def establishment(self, siret: str) -> EstablishmentRecord | None:
        return self.establishments.get(siret)

    async def establishments_of(self, siren: str) -> list[EstablishmentRecord]:
        return sorted(
            (e for e in self.establishments.values() if e.siren == siren and e.removed_at is None),
            key=lambda e: e.siret,
        )

    async def beneficiary_sirets(self, siren: str) -> list[str]:
        return [
            e.siret
            for e in await self.establishments_of(siren)
            if e.role is EstablishmentRole.BENEFICIARY
        ]

    async def add_establishment(self, record: EstablishmentRecord) -> EstablishmentRecord:
        assert record.siret not in self.establishments, "primary key"
        self.establishments[record.siret] = replace(record, version=1)
        return self.establishments[record.siret]

    async def save_establishment(self, record: EstablishmentRecord) -> EstablishmentRecord:
        return _saved(self.establishments, record.siret, record)


class FakeApplications:
    def __init__(self) -> None:
        self.rows: dict[UUID, ApplicationRecord] = {}

    async def add_application(self, record: ApplicationRecord) -> ApplicationRecord:
        live = [
            a
            for a in self.rows.values()
            if (a.siren, a.year) == (record.siren, record.year)
            and a.status is not ApplicationStatus.REJECTED
        ]
        assert not live, "uq_applications_siren_year_live"
        self.rows[record.id] = replace(record, version=1)
        return self.rows[record.id]

    async def application(
        self, application_id: UUID, *, for_update: bool = False
    ) -> ApplicationRecord | None:
        return self.rows.get(application_id)

    async def save_application(self, record: ApplicationRecord) -> ApplicationRecord:
        return _saved(self.rows, record.id, record)

    async def statuses(self, siren: str, year: int) -> list[ApplicationStatus]:
        return [a.status for a in self.rows.values() if (a.siren, a.year) == (siren, year)]

    async def pending_review_years(self, siren: str) -> list[int]:
        return [
            a.year
            for a in self.rows.values()
            if a.siren == siren and a.status is ApplicationStatus.PENDING_REVIEW
        ]


class FakeMemberships:
    def __init__(self, structures: FakeStructures) -> None:
        self._structures = structures
        self.rows: dict[UUID, MembershipRecord] = {}
        self.upgrades: dict[UUID, UpgradeRecord] = {}

    async def add_membership(self, record: MembershipRecord) -> MembershipRecord:
        assert await self.membership_of(record.siren, record.year) is None, "uq_siren_year"
        self.rows[record.id] = replace(record, version=1)
        return self.rows[record.id]

    async def membership(
        self, membership_id: UUID, *, for_update: bool = False
    ) -> MembershipRecord | None:
        return self.rows.get(membership_id)

    async def membership_of(
        self, siren: str, year: int, *, for_update: bool = False
    ) -> MembershipRecord | None:
        return next((m for m in self.rows.values() if (m.siren, m.year) == (siren, year)), None)

    async def memberships_of(self, siren: str) -> list[MembershipRecord]:
        return sorted((m for m in self.rows.values() if m.siren == siren), key=lambda m: m.year)

    async def paid_years(self, siren: str) -> list[int]:
        return [m.year for m in await self.memberships_of(siren) if m.valid_from is not None]

    async def save_membership(self, record: MembershipRecord) -> MembershipRecord:
        return _saved(self.rows, record.id, record)

    async def lapse_candidates(self, before_year: int) -> list[LapseCandidate]:
        candidates = []
        for m in sorted(self.rows.values(), key=lambda m: (m.year, m.siren)):
            successor = await self.membership_of(m.siren, m.year + 1)
            if successor is not None and successor.valid_from is not None:
                continue
            if m.state is MembershipState.ACTIVE and m.year < before_year:
                candidates.append(LapseCandidate(m, successor))
        return candidates

    async def paid_members_of(self, year: int) -> list[PaidMember]:
        members = []
        for m in sorted(self.rows.values(), key=lambda m: m.siren):
            structure = self._structures.structures[m.siren]
            if m.year == year and m.valid_from is not None:
                members.append(
                    PaidMember(
                        m.siren,
                        m.plan,
                        structure.head_office_siret,
                        structure.legal_name,
                        structure.email,
                    )
                )
        return members

    async def add_upgrade(self, record: UpgradeRecord) -> UpgradeRecord:
        self.upgrades[record.id] = record
        return record

    async def upgrade(self, upgrade_id: UUID, *, for_update: bool = False) -> UpgradeRecord | None:
        return self.upgrades.get(upgrade_id)

    async def upgrades_of(self, membership_id: UUID) -> list[UpgradeRecord]:
        return [u for u in self.upgrades.values() if u.membership_id == membership_id]

    async def save_upgrade(self, record: UpgradeRecord) -> UpgradeRecord:
        self.upgrades[record.id] = record
        return record


class FakeDues:
    def __init__(self) -> None:
        seeded = datetime(2025, 1, 1, tzinfo=UTC)
        self.tariffs: dict[int, TariffRecord] = {
            year: TariffRecord(
                year, Decimal("100.00"), Decimal("150.00"), Decimal("50.00"), seeded, None
            )
            for year in (2025, 2026)
        }
        self.campaigns: dict[int, CampaignRecord] = {}
        self.calls: dict[tuple[int, str], DuesCallRecord] = {}

    async def tariff(self, year: int) -> TariffRecord | None:
        return self.tariffs.get(year)

    async def put_tariff(self, record: TariffRecord) -> TariffRecord:
        self.tariffs[record.year] = record
        return record

    async def campaign_years(self) -> list[int]:
        return list(self.campaigns)

    async def start_campaign(self, record: CampaignRecord) -> None:
        self.campaigns.setdefault(record.year, record)

    async def lock_campaign(self, year: int) -> None:
        pass

    async def called_sirens(self, year: int) -> set[str]:
        return {siren for (called_year, siren) in self.calls if called_year == year}

    async def add_calls(self, calls: list[DuesCallRecord]) -> None:
        for call in calls:
            self.calls.setdefault((call.year, call.siren), call)


class FakeMembershipUnitOfWork(InMemoryUnitOfWork):
    """The use cases' unit of work on dicts: its state outlives each ``async with`` block, as
    the database does; only the events wait for :meth:`commit`."""

    def __init__(self, clock: Clock | None = None) -> None:
        super().__init__(clock)
        self.structures = FakeStructures()
        self.applications = FakeApplications()
        self.memberships = FakeMemberships(self.structures)
        self.dues = FakeDues()

    def membership_of(self, siren: str, year: int) -> MembershipRecord:
        [membership] = [
            m for m in self.memberships.rows.values() if (m.siren, m.year) == (siren, year)
        ]
        return membership
