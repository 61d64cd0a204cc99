"""What several use cases read the same way."""

from __future__ import annotations

from uuid import UUID

from shared.errors import NotFound, RuleViolated
from training.domain.policy import YearPolicy
from training.repositories.records import EnrollmentRecord, SessionRecord
from training.unit_of_work import TrainingUoW


async def policy_of(uow: TrainingUoW, year: int) -> YearPolicy:
    policy = await uow.catalogue.policy_for(year)
    if policy is None:
        raise _no_policy(year)
    return policy


async def locked_session(uow: TrainingUoW, session_id: UUID) -> SessionRecord:
    session = await uow.catalogue.lock_session(session_id)
    if session is None:
        raise NotFound("Session", session_id)
    return session


async def locked_session_and_policy(
    uow: TrainingUoW, session_id: UUID
) -> tuple[SessionRecord, YearPolicy]:
    """The session locked, and the policy of its year, read in one statement."""
    found = await uow.catalogue.lock_session_with_policy(session_id)
    if found is None:
        raise NotFound("Session", session_id)
    session, policy = found
    if policy is None:
        raise _no_policy(session.starts_on.year)
    return session, policy


def _no_policy(year: int) -> RuleViolated:
    return RuleViolated(
        "T3", f"No yearly limits are set for {year}: staff must set them first.", year=year
    )


async def enrollment_of(
    uow: TrainingUoW, enrollment_id: UUID, siren: str | None
) -> EnrollmentRecord:
    """The enrollment; for a member (``siren`` given) only one of its structure (X3: 404)."""
    record = await uow.enrollments.get(enrollment_id)
    if record is None or (siren is not None and record.siren != siren):
        raise NotFound("Enrollment", enrollment_id)
    return record
