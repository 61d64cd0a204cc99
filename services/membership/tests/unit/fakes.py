"""In-memory repositories behind the use cases' unit of work, for tests without a server.

They keep what the SQL repositories keep, as dicts of records: a new row is version 1, a saved
one its version plus one (refused if the version moved), as ``RETURNING version`` gives it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

from membership.domain.applications import ApplicationStatus
from membership.domain.validity import MembershipState
from membership.governance.badges import Award, BadgeKind
from membership.records import (
    ApplicationRecord,
    AwardRecord,
    CampaignRecord,
    DuesCallRecord,
    EstablishmentRecord,
    EstablishmentRole,
    LapseCandidate,
    MembershipRecord,
    PaidMember,
    StatusListRecord,
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

    async def structures_of(self, sirens: Collection[str]) -> list[StructureRecord]:
        return [self.structures[s] for s in sorted(set(sirens)) if s in self.structures]

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

    async def memberships_in(
        self, years: Collection[int], sirens: Collection[str] | None = None
    ) -> list[MembershipRecord]:
        return sorted(
            (
                m
                for m in self.rows.values()
                if m.year in years and (sirens is None or m.siren in sirens)
            ),
            key=lambda m: (m.siren, m.year),
        )

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


class FakeBadges:
    """The awards and the status list, as the badges' repository keeps them."""

    def __init__(self, memberships: FakeMemberships) -> None:
        self._memberships = memberships
        self.rows: dict[UUID, AwardRecord] = {}
        self.lists: dict[str, StatusListRecord] = {}

    async def add_award(self, award: Award, *, by: str) -> AwardRecord:
        standing = [r for r in self.rows.values() if not r.award.revoked]
        assert all(r.award.key != award.key for r in standing), "uq_badge_awards_active"
        assert all(r.award.status_index != award.status_index for r in self.rows.values())
        self.rows[award.id] = AwardRecord(award, by)
        return self.rows[award.id]

    async def award(self, award_id: UUID, *, for_update: bool = False) -> AwardRecord | None:
        return self.rows.get(award_id)

    async def awards_for(self, kind: BadgeKind, context: str) -> list[AwardRecord]:
        return [r for r in self.rows.values() if (r.award.kind, r.award.context) == (kind, context)]

    async def save_revocation(
        self, record: AwardRecord, revoked: Award, *, note: str | None, by: str
    ) -> AwardRecord:
        if self.rows[revoked.id].version != record.version:
            raise Conflict("changed meanwhile")
        self.rows[revoked.id] = AwardRecord(
            revoked, record.awarded_by, note, by, record.version + 1
        )
        return self.rows[revoked.id]

    async def structure_awards_before(self, siren: str, before: date) -> list[AwardRecord]:
        return [
            r
            for r in self.rows.values()
            if r.award.siren == siren
            and r.award.kind.for_structures
            and not r.award.revoked
            and _recognised_day(r.award) < before
        ]

    async def awards_of_final_lapses(
        self, *, final_reasons: Collection[str], deferred_reason: str, deferred_up_to_year: int
    ) -> list[tuple[AwardRecord, date]]:
        found = []
        for record in self.rows.values():
            award = record.award
            if award.revoked or not award.kind.for_structures:
                continue
            days = [
                m.lapsed_on
                for m in self._memberships.rows.values()
                if m.siren == award.siren
                and m.state is MembershipState.LAPSED
                and m.lapsed_on is not None
                and (
                    m.lapse_reason in final_reasons
                    or (m.lapse_reason == deferred_reason and m.year <= deferred_up_to_year)
                )
                and m.lapsed_on > _recognised_day(award)
            ]
            if days:
                found.append((record, min(days)))
        return found

    async def create_status_list(
        self, purpose: str, *, size: int, empty: str, at: datetime
    ) -> None:
        self.lists.setdefault(purpose, StatusListRecord(purpose, size, empty, at))

    async def lock_status_list(self, purpose: str) -> StatusListRecord | None:
        return self.lists.get(purpose)

    async def save_status_list(
        self, record: StatusListRecord, encoded: str, at: datetime
    ) -> StatusListRecord:
        saved = replace(record, encoded_list=encoded, updated_at=at, version=record.version + 1)
        self.lists[record.purpose] = saved
        return saved

    async def status_list(self, purpose: str) -> StatusListRecord | None:
        return self.lists.get(purpose)

    async def taken_indexes(self) -> set[int]:
        return {r.award.status_index for r in self.rows.values()}

    async def revoked_indexes(self) -> set[int]:
        return {r.award.status_index for r in self.rows.values() if r.award.revoked}


def _recognised_day(award: Award) -> date:
    return award.activity_on or award.awarded_at.astimezone(UTC).date()


class FakeMembershipUnitOfWork(InMemoryUnitOfWork):
    """The use cases' unit of work on dicts: its state outlives each ``async with`` block, as
    the database does; only the events wait for :meth:`commit`."""

    def __init__(self, clock: Clock | None = None) -> None:
        super().__init__(clock)
        self.structures = FakeStructures()
        self.applications = FakeApplications()
        self.memberships = FakeMemberships(self.structures)
        self.dues = FakeDues()
        self.badges = FakeBadges(self.memberships)

    def membership_of(self, siren: str, year: int) -> MembershipRecord:
        [membership] = [
            m for m in self.memberships.rows.values() if (m.siren, m.year) == (siren, year)
        ]
        return membership
