"""The training unit of work: one transaction, its repositories and its outbox."""

from __future__ import annotations

from typing import Protocol

from shared.clock import Clock
from shared.messaging.outbox import OutboxWriter
from shared.projections.member_rights import MemberRights
from shared.projections.member_status import MembershipPeriod
from shared.unit_of_work import UnitOfWork
from training.repositories.catalogue import CatalogueRepository
from training.repositories.enrollments import EnrollmentRepository
from training.repositories.projection import ProjectionRepository


class RightsReader(Protocol):
    """What the training rules read of the member-rights projection (T2)."""

    async def periods(self, siren: str) -> list[MembershipPeriod]: ...

    async def establishment_has_rights(self, siret: str) -> bool: ...


class TrainingUoW(Protocol):
    """What the use cases need of a unit of work (the real one, or an in-memory fake)."""

    clock: Clock
    outbox: OutboxWriter
    catalogue: CatalogueRepository
    enrollments: EnrollmentRepository
    rights: RightsReader
    projection: ProjectionRepository


class TrainingUnitOfWork(UnitOfWork):
    """Its repositories come with the training rules."""

    catalogue: CatalogueRepository
    enrollments: EnrollmentRepository
    rights: RightsReader
    projection: ProjectionRepository

    def _on_enter(self) -> None:
        self.catalogue = CatalogueRepository(self.connection, self.driver)
        self.enrollments = EnrollmentRepository(self.connection, self.driver)
        self.rights = MemberRights(self.connection)
        self.projection = ProjectionRepository(self.driver)
