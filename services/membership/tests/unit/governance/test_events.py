"""M11: the events the use cases publish carry what the decisions recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from membership.governance.assembly import Assembly
from membership.governance.badges import (
    RevocationReason,
    TrainingAttendance,
    award_training_completed,
    revoke,
)
from membership.governance.electorate import Electorate, Representative
from membership.governance.events import (
    assembly_closed,
    assembly_convened,
    assembly_opened,
    badge_awarded,
    badge_revoked,
)
from membership.governance.exports import freeze
from membership.governance.settings import GovernanceSettings
from shared.contracts import REGISTRY
from shared.messaging.outbox import AggregateRef, build_envelope

A, B = "111111111", "222222222"
BEFORE = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
DAY = datetime(2026, 6, 12, 13, 30, tzinfo=UTC)


def test_m11_assembly_convened_lists_the_eligible_structures_and_their_contacts(
    assembly: Assembly, electorate: Electorate
) -> None:
    event = assembly_convened(assembly, electorate, BEFORE)
    assert len(event.convened) == 8  # the lapsed structure is not convened
    assert event.convened[0].model_dump() == {
        "siren": A,
        "legal_name": "Mission locale des Landes",
        "email": f"contact@{A}.example",
    }
    assert event.address == assembly.venue.address
    assert event.agenda == list(assembly.agenda)


def test_m11_assembly_opened_and_closed_carry_the_quorum_and_the_records(
    assembly: Assembly, electorate: Electorate, settings: GovernanceSettings
) -> None:
    assembly = assembly.give_proxy(electorate, A, B, BEFORE, settings)
    assembly = assembly.sign_in(electorate, B, Representative("Lou Petit"), DAY, by="staff-1")
    with pytest.raises(ValueError, match="not opened"):
        assembly_opened(assembly)
    opened = assembly.open(electorate, DAY.replace(hour=14), settings)
    event = assembly_opened(opened)
    assert (event.eligible, event.present, event.represented) == (8, 1, 1)
    assert (event.quorum_required, event.quorum_reached) == (2, True)
    closed = opened.close(DAY.replace(hour=17))
    records = freeze(closed)
    done = assembly_closed(closed, records)
    assert [(p.siren, p.participation, p.proxy_holder_siren) for p in done.participants] == [
        (A, "represented", B),
        (B, "present", None),
    ]
    assert done.attendance_pdf_sha256 == records.attendance_pdf.sha256
    envelope = build_envelope(done, aggregate=AggregateRef(str(closed.id), 3))
    assert REGISTRY.decode(envelope) == done


def test_m11_badge_events_name_the_award_and_why_it_ended() -> None:
    award = award_training_completed(
        id=UUID(int=21),
        attendance=TrainingAttendance(
            UUID(int=1), "training", A, "Camille@Example.org", date(2026, 3, 9), "present"
        ),
        existing=[],
        at=DAY,
        status_index=5,
    )
    awarded = badge_awarded(award)
    assert (awarded.badge, awarded.siren, awarded.recipient_email) == (
        "training_completed",
        A,
        "camille@example.org",
    )
    assert awarded.credential_id == f"urn:uuid:{UUID(int=21)}"
    with pytest.raises(ValueError, match="not revoked"):
        badge_revoked(award)
    revoked = badge_revoked(revoke(award, RevocationReason.WITHDRAWN, DAY))
    assert (revoked.reason, revoked.revoked_at) == ("withdrawn", DAY)
