"""The membership unit of work: one transaction, its repositories, its outbox and the clock."""

from membership.repository import (
    ApplicationRepository,
    AssemblyRepository,
    BadgeRepository,
    DuesRepository,
    ExtranetRepository,
    MembershipRepository,
    StructureRepository,
)
from shared.unit_of_work import UnitOfWork


class MembershipUnitOfWork(UnitOfWork):
    structures: StructureRepository
    applications: ApplicationRepository
    memberships: MembershipRepository
    dues: DuesRepository
    assemblies: AssemblyRepository
    extranet: ExtranetRepository
    badges: BadgeRepository

    def _on_enter(self) -> None:
        self.structures = StructureRepository(self.connection)
        self.applications = ApplicationRepository(self.connection)
        self.memberships = MembershipRepository(self.connection)
        self.dues = DuesRepository(self.connection)
        self.assemblies = AssemblyRepository(self.connection)
        self.extranet = ExtranetRepository(self.connection)
        self.badges = BadgeRepository(self.connection)
