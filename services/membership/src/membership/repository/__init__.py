"""Every query of the membership service (SQLAlchemy Core on the unit of work's connection),
one repository per part of the model; they return :mod:`membership.records`."""

from membership.repository.applications import ApplicationRepository
from membership.repository.dues import DuesRepository
from membership.repository.memberships import MembershipRepository
from membership.repository.structures import StructureRepository

__all__ = [
    "ApplicationRepository",
    "DuesRepository",
    "MembershipRepository",
    "StructureRepository",
]
