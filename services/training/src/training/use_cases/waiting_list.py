"""T5: a freed place goes to the first waiting entry that still satisfies T2-T4."""

from __future__ import annotations

from shared.contracts.training import EnrollmentPromoted
from shared.projections.member_status import status_on
from training.domain import session as rules
from training.domain.enrollment import counted_when_placed
from training.domain.policy import YearPolicy
from training.repositories.records import EnrollmentRecord, SessionRecord
from training.unit_of_work import TrainingUoW
from training.use_cases.events import publish


async def fill_free_places(
    uow: TrainingUoW, session: SessionRecord, policy: YearPolicy
) -> list[EnrollmentRecord]:
    """Promote waiting entries into the session's free places; the session's row is locked.

    Entries that a rule blocks now are skipped and keep their rank. The employees' yearly rows
    of the entries T3 must be read for are locked in one statement, in one order, after the
    session's row.
    """
    today = uow.clock.today()
    if session.cancelled or today > session.starts_on:
        return []
    active = await uow.enrollments.active_of_session(session.id)
    places = tuple(e.siren for e in active if e.status == "confirmed")
    waiting = [e for e in active if e.status == "waiting"]
    aggregate = session.aggregate(places, len(waiting))
    if aggregate.free_places == 0 or not waiting:
        return []
    members: dict[str, bool] = {}
    establishments: dict[str, bool] = {}
    for entry in waiting:
        if entry.siren not in members:
            periods = await uow.rights.periods(entry.siren)
            members[entry.siren] = status_on(entry.siren, session.starts_on, periods).member
        if entry.siret not in establishments:
            establishments[entry.siret] = await uow.rights.establishment_has_rights(entry.siret)
    candidates = [
        rules.Candidate(e.id, e.siren, members[e.siren], establishments[e.siret]) for e in waiting
    ]
    by_id = {e.id: e for e in waiting}
    to_count = [by_id[c.enrollment_id].email for c in rules.needs_counts(aggregate, candidates)]
    await uow.enrollments.lock_employee_years(to_count, session.starts_on.year)
    counts = await uow.enrollments.year_counts(to_count, session.starts_on.year)
    candidates = [
        rules.Candidate(
            c.enrollment_id,
            c.siren,
            c.member_on_start,
            c.establishment_has_rights,
            counts.get(by_id[c.enrollment_id].email),
        )
        for c in candidates
    ]
    decision = rules.promote(aggregate, candidates, policy)
    promoted = []
    now = uow.clock.now()
    for enrollment_id in decision.promoted:
        record = await uow.enrollments.promote(
            enrollment_id, counted_when_placed(session.action_type), now
        )
        publish(uow, EnrollmentPromoted, record, promoted_at=now)
        promoted.append(record)
    return promoted
