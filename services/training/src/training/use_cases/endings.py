"""How places and waiting entries end or change: withdrawal and attendance (T7), a session
cancelled (T8), a membership lapse (T9). A freed place goes to the waiting list (T5)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from uuid import UUID

from shared.contracts import Envelope, MembershipLapsed
from shared.contracts.training import AttendanceRecorded, EnrollmentCancelled, SessionCancelled
from shared.errors import Conflict
from shared.messaging.outbox import AggregateRef
from shared.projections.member_status import status_on
from training.domain import enrollment as lifecycle
from training.domain.terms import Attendance, CancelReason
from training.repositories.records import EnrollmentRecord, SessionRecord
from training.unit_of_work import TrainingUoW
from training.use_cases.common import enrollment_of, locked_session, policy_of
from training.use_cases.events import publish
from training.use_cases.waiting_list import fill_free_places


@dataclass(frozen=True)
class Withdrawal:
    enrollment: EnrollmentRecord
    promoted: list[EnrollmentRecord]


async def withdraw(uow: TrainingUoW, enrollment_id: UUID, siren: str | None) -> Withdrawal:
    """T7: the member withdraws a place or a waiting entry; ``counted`` says if it still counts.

    ``siren``: the member's structure (None for staff)."""
    found = await enrollment_of(uow, enrollment_id, siren)
    session = await locked_session(uow, found.session_id)
    current = await enrollment_of(uow, enrollment_id, siren)  # as the lock leaves it
    policy = await policy_of(uow, session.starts_on.year)
    ending = lifecycle.withdrawal(
        current.status, current.action_type, session.starts_on, uow.clock.today(), policy
    )
    record = await _end(uow, current, "withdrawn", ending)
    promoted = []
    if current.status == "confirmed":
        promoted = await fill_free_places(uow, session, policy)
    return Withdrawal(record, promoted)


async def record_attendance(
    uow: TrainingUoW, enrollment_id: UUID, attendance: Attendance
) -> EnrollmentRecord:
    """T7: staff record presence, justified or unjustified absence; T3 counts follow."""
    found = await enrollment_of(uow, enrollment_id, None)
    session = await locked_session(uow, found.session_id)
    current = await enrollment_of(uow, enrollment_id, None)
    lifecycle.check_attendance(current.status, session.starts_on, uow.clock.today())
    # the count may grow: the employee's yearly row is locked, after the session's
    await uow.enrollments.lock_employee_year(current.email, current.year)
    counted = lifecycle.attendance_counted(attendance, current.action_type)
    now = uow.clock.now()
    record = await uow.enrollments.record_attendance(current.id, attendance, counted, now)
    publish(
        uow, AttendanceRecorded, record, attendance=attendance, counted=counted, recorded_at=now
    )
    return record


@dataclass(frozen=True)
class SessionCancellation:
    session: SessionRecord
    cancelled: list[EnrollmentRecord] = field(default_factory=list)


async def cancel_session(uow: TrainingUoW, session_id: UUID, reason: str) -> SessionCancellation:
    """T8: every place and waiting entry of the session ends, not counted."""
    session = await locked_session(uow, session_id)
    if session.cancelled:
        raise Conflict("This session is already cancelled.", rule="T8")
    if uow.clock.today() > session.starts_on:
        raise Conflict("A session that has started cannot be cancelled.", rule="T8")
    now = uow.clock.now()
    version = await uow.catalogue.mark_cancelled(session.id, reason, now)
    ended = await _cancel_all(
        uow, await uow.enrollments.active_of_session(session.id), "session_cancelled"
    )
    uow.outbox.add(
        SessionCancelled(
            session_id=session.id,
            action_id=session.action_id,
            starts_on=session.starts_on,
            reason=reason,
            cancelled_at=now,
        ),
        AggregateRef.of(session.id, version),
    )
    cancelled = await uow.catalogue.session(session.id)
    assert cancelled is not None
    return SessionCancellation(cancelled, ended)


async def on_membership_lapsed(
    event: MembershipLapsed, envelope: Envelope, uow: TrainingUoW
) -> None:
    """cancel the structure's places and waiting entries in sessions from the lapse on (T9),
    uncounted, and give the freed places to the waiting lists (T5).

    Runs after the projection took the lapse in, in the same transaction: a session on whose
    start the structure is still a member (a later renewal, a reinstatement) is left alone, so
    a stale or repeated lapse changes nothing."""
    first_day = max(event.lapsed_on, uow.clock.today())
    seen = await uow.enrollments.active_of_structure_from(event.siren, first_day)
    if not seen:
        return
    sessions = await uow.catalogue.lock_sessions([e.session_id for e in seen])
    periods = await uow.rights.periods(event.siren)
    # read again under the locks: what the sessions hold now
    entries: dict[UUID, list[EnrollmentRecord]] = defaultdict(list)
    for entry in await uow.enrollments.active_of_structure_from(event.siren, first_day):
        entries[entry.session_id].append(entry)
    for session in sessions:
        if status_on(event.siren, session.starts_on, periods).member:
            continue
        ended = await _cancel_all(uow, entries.get(session.id, []), "membership_lapsed")
        if any(e.status == "confirmed" for e in ended):
            await fill_free_places(uow, session, await policy_of(uow, session.starts_on.year))


async def _cancel_all(
    uow: TrainingUoW, entries: list[EnrollmentRecord], reason: CancelReason
) -> list[EnrollmentRecord]:
    """End each entry (T8, T9: not counted); returns them as they were before."""
    ended = []
    for entry in entries:
        ending = lifecycle.cancellation(entry.status, reason)
        if ending is None:
            continue
        await _end(uow, entry, "cancelled", ending)
        ended.append(entry)
    return ended


async def _end(
    uow: TrainingUoW, entry: EnrollmentRecord, status: str, ending: lifecycle.Ending
) -> EnrollmentRecord:
    now = uow.clock.now()
    record = await uow.enrollments.end(entry.id, status, ending.reason, ending.counted, now)
    publish(
        uow,
        EnrollmentCancelled,
        record,
        counted=ending.counted,
        reason=ending.reason,
        cancelled_at=now,
    )
    return record
