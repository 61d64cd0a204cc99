"""Every query of the membership service (SQLAlchemy Core on the unit of work's connection),
one repository per part of the model; they return :mod:`membership.records`."""

from membership.repository.applications import ApplicationRepository
from membership.repository.assemblies import AssemblyRepository
from membership.repository.badges import BadgeRepository
from membership.repository.dues import DuesRepository
from membership.repository.extranet import ExtranetRepository
from membership.repository.memberships import MembershipRepository
from membership.repository.structures import StructureRepository

__all__ = [
    "ApplicationRepository",
    "AssemblyRepository",
    "BadgeRepository",
    "DuesRepository",
    "ExtranetRepository",
    "MembershipRepository",
    "StructureRepository",
]
