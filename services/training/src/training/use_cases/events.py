"""The events of an enrollment, built from its record (its version is the database's)."""

from __future__ import annotations

from typing import Any, TypeVar

from shared.contracts.training import (
    AttendanceRecorded,
    EnrollmentCancelled,
    EnrollmentConfirmed,
    EnrollmentPromoted,
    EnrollmentWaitlisted,
)
from shared.messaging.outbox import AggregateRef
from training.repositories.records import EnrollmentRecord
from training.unit_of_work import TrainingUoW

E = TypeVar(
    "E",
    EnrollmentConfirmed,
    EnrollmentWaitlisted,
    EnrollmentPromoted,
    EnrollmentCancelled,
    AttendanceRecorded,
)


def ref(record: EnrollmentRecord) -> AggregateRef:
    return AggregateRef.of(record.id, record.version)


def publish(uow: TrainingUoW, model: type[E], record: EnrollmentRecord, **fields: Any) -> E:
    """Queue ``model`` about ``record`` in the unit of work's outbox."""
    event = model(
        enrollment_id=record.id,
        session_id=record.session_id,
        action_id=record.action_id,
        action_type=record.action_type,
        siren=record.siren,
        participant_email=record.email,
        session_starts_on=record.starts_on,
        **fields,
    )
    uow.outbox.add(event, ref(record))
    return event
