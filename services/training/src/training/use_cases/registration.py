"""T2-T6, T10: a member's contact (or staff) pre-registers an employee for a session."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from uuid import UUID

from shared.contracts.training import EnrollmentConfirmed, EnrollmentWaitlisted
from shared.projections.member_status import status_on
from training.domain import session as rules
from training.domain.enrollment import counted_when_placed
from training.domain.identity import normalise_email, parse_siret, siren_of
from training.domain.policy import YearCounts, counts_toward_limit
from training.repositories.records import EnrollmentRecord, SessionRecord
from training.unit_of_work import TrainingUoW
from training.use_cases.common import locked_session_and_policy
from training.use_cases.events import publish
from training.use_cases.waiting_list import fill_free_places


@dataclass(frozen=True)
class Participant:
    first_name: str
    last_name: str
    email: str
    siret: str

    def normalised(self) -> Participant:
        return Participant(
            first_name=" ".join(self.first_name.split()),
            last_name=" ".join(self.last_name.split()),
            email=normalise_email(self.email),
            siret=parse_siret(self.siret),
        )

    @property
    def siren(self) -> str:
        return siren_of(self.siret)


@dataclass(frozen=True)
class Registration:
    """The answer: a place, or a waiting entry with its rank and reason."""

    enrollment: EnrollmentRecord
    position: int | None
    session: SessionRecord


async def pre_register(
    uow: TrainingUoW, session_id: UUID, participant: Participant, *, by_staff: bool
) -> Registration:
    """Pre-register ``participant`` (normalised: see :meth:`Participant.normalised`).

    The member-rights projection is read first, outside the lock (a lapse it has not taken in
    yet is for the lapse hook to apply); then the session's row is
    locked, then the employee's yearly row: every decision reads state no one else changes
    until this transaction ends.
    """
    periods, establishment_ok = await uow.projection.rights_of(participant.siren, participant.siret)
    session, policy = await locked_session_and_policy(uow, session_id)
    occupancy = await uow.enrollments.occupancy(session, participant.email)
    aggregate = session.aggregate(occupancy.places, occupancy.waiting, occupancy.waiting_sirens)
    request = rules.Request(
        siren=participant.siren,
        member_on_start=status_on(participant.siren, session.starts_on, periods).member,
        establishment_has_rights=establishment_ok,
        already_on_action=occupancy.already_on_action,
        by_staff=by_staff,
    )
    today = uow.clock.today()
    rules.check_admissible(aggregate, request, today, policy)
    if aggregate.may_promote():
        # a place free while an entry waits that may take it now (T2 or T3 let it through
        # again since it was skipped): the waiting list comes first
        await fill_free_places(uow, session, policy)
        occupancy = await uow.enrollments.occupancy(session, participant.email)
        aggregate = session.aggregate(occupancy.places, occupancy.waiting, occupancy.waiting_sirens)
    # T3 on the counts read with the occupancy: final for a waiting entry (it counts for
    # nothing, and T3 is read again at its promotion); a place is decided again on the counts
    # read under the employee's yearly lock, taken after the session's
    placement = rules.place(aggregate, participant.siren, occupancy.counts, policy)
    year = session.starts_on.year
    if placement.confirmed and counts_toward_limit(session.action_type):
        if await uow.enrollments.lock_employee_year(participant.email, year):
            counts = YearCounts()
        else:
            counts = await uow.enrollments.year_counts_of(participant.email, year)
        placement = rules.place(aggregate, participant.siren, counts, policy)
    now = uow.clock.now()
    record = await uow.enrollments.add(
        {
            "id": uuid.uuid4(),
            "session_id": session.id,
            "action_id": session.action_id,
            "action_type": session.action_type,
            "year": year,
            "starts_on": session.starts_on,
            "siren": participant.siren,
            "siret": participant.siret,
            "email": participant.email,
            "first_name": participant.first_name,
            "last_name": participant.last_name,
            "counted": placement.confirmed and counted_when_placed(session.action_type),
            "by_staff": by_staff,
            "requested_at": now,
            "changed_at": now,
        },
        placement.waiting_reason,
    )
    if placement.confirmed:
        publish(uow, EnrollmentConfirmed, record, confirmed_at=now)
    else:
        assert placement.position is not None
        publish(
            uow,
            EnrollmentWaitlisted,
            record,
            position=placement.position,
            reason=placement.waiting_reason,
            waitlisted_at=now,
        )
    return Registration(record, placement.position, session)
