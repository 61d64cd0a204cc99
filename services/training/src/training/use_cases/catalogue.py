"""T1: staff manage actions and their sessions; everyone lists the open sessions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from uuid import UUID

from shared.contracts.training import SessionScheduled
from shared.errors import NotFound
from shared.messaging.outbox import AggregateRef
from shared.pagination import PageRequest
from training.domain.catalogue import ActionSpec, SessionSpec, check_action, check_session
from training.domain.policy import YearPolicy
from training.repositories.catalogue import SessionFilter
from training.repositories.records import ActionRecord, SessionListing, SessionRecord
from training.unit_of_work import TrainingUoW
from training.use_cases.common import policy_of


@dataclass(frozen=True)
class NewAction:
    spec: ActionSpec
    description: str


async def create_action(uow: TrainingUoW, command: NewAction) -> ActionRecord:
    check_action(command.spec)
    return await uow.catalogue.add_action(
        id=uuid.uuid4(),
        type=command.spec.type,
        title=command.spec.title,
        description=command.description,
        duration_days=command.spec.duration_days,
        remote=command.spec.remote,
        created_at=uow.clock.now(),
    )


async def action_of(uow: TrainingUoW, action_id: UUID) -> ActionRecord:
    action = await uow.catalogue.action(action_id)
    if action is None:
        raise NotFound("Action", action_id)
    return action


async def create_session(uow: TrainingUoW, action_id: UUID, spec: SessionSpec) -> SessionRecord:
    action = await action_of(uow, action_id)
    check_session(
        ActionSpec(action.type, action.title, action.remote, action.duration_days),
        spec,
        uow.clock.today(),
    )
    record = await uow.catalogue.add_session(
        id=uuid.uuid4(),
        action_id=action.id,
        starts_on=spec.starts_on,
        ends_on=spec.ends_on,
        capacity=spec.capacity,
        place=spec.place,
        department=spec.department,
        registration_opens_on=spec.registration_opens_on,
        created_at=uow.clock.now(),
    )
    uow.outbox.add(
        SessionScheduled(
            session_id=record.id,
            action_id=record.action_id,
            action_type=record.action_type,
            title=record.title,
            starts_on=record.starts_on,
            ends_on=record.ends_on,
            capacity=record.capacity,
            remote=record.remote,
            place=record.place,
            department=record.department,
            registration_opens_on=record.registration_opens_on,
            scheduled_at=uow.clock.now(),
        ),
        AggregateRef.of(record.id, record.version),
    )
    return record


async def session_of(uow: TrainingUoW, session_id: UUID) -> SessionRecord:
    session = await uow.catalogue.session(session_id)
    if session is None:
        raise NotFound("Session", session_id)
    return session


async def list_sessions(
    uow: TrainingUoW, where: SessionFilter, page: PageRequest
) -> tuple[list[SessionListing], int]:
    """Sessions open for registration today (T6 by this year's delay), soonest first."""
    policy = await uow.catalogue.policy_for(where.today.year)
    closes_days = (
        policy.registration_closes_days if policy else YearPolicy(0).registration_closes_days
    )
    return await uow.catalogue.listings(where, page, closes_days)


async def set_policy(uow: TrainingUoW, policy: YearPolicy) -> YearPolicy:
    """Staff set a year's limits (T3) and delays (T6, T7); they apply to later decisions."""
    return await uow.catalogue.set_policy(policy)


async def get_policy(uow: TrainingUoW, year: int) -> YearPolicy:
    return await policy_of(uow, year)
