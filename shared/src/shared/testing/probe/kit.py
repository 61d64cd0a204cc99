"""The probe service's wiring: a producer (a business change plus its event) and its consumers.

``on_beneficiary_added`` records every message it applies; ``on_qualiopi_certification_changed``
feeds a projection (the newest certificate of each SIREN) behind a version guard.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from shared.contracts import BeneficiaryAdded, Envelope, QualiopiCertificationChanged
from shared.messaging.consumers import EventConsumers
from shared.messaging.outbox import AggregateRef
from shared.settings import ServiceSettings
from shared.unit_of_work import UnitOfWork

PROBE_DIR = Path(__file__).resolve().parent
#: A SIREN that makes the probe's handler fail every time: a poison message.
POISON_SIREN = "999999999"
#: More SIRENs whose messages fail while they are in this set (a poison that a test can "fix"
#: before replaying it from the DLQ); each failure is counted in :data:`failures`.
failing_sirens: set[str] = set()
failures: dict[str, int] = {}
#: SIRENs whose message the handler holds, once begun, until the event is set (a slow handler);
#: ``begun`` is set when it gets there.
held_sirens: dict[str, asyncio.Event] = {}
begun: dict[str, asyncio.Event] = {}


class ProbeSettings(ServiceSettings):
    """The probe's settings: the kit's own, from the environment."""


def beneficiary_added(siren: str) -> BeneficiaryAdded:
    return BeneficiaryAdded(
        siren=siren, siret=siren + "00010", name="Probe", added_at=datetime.now(UTC)
    )


async def produce(uow: UnitOfWork, siren: str, *, commit: bool = True) -> Envelope:
    """A business change and its event in one transaction."""
    async with uow:
        await uow.connection.execute(
            text("INSERT INTO structures (siren) VALUES (:s)"), {"s": siren}
        )
        envelope = uow.outbox.add(beneficiary_added(siren), AggregateRef(siren, None))
        if commit:
            await uow.commit()
    return envelope


consumers: EventConsumers[UnitOfWork] = EventConsumers("probe")


@consumers.on(BeneficiaryAdded)
async def on_beneficiary_added(
    event: BeneficiaryAdded, envelope: Envelope, uow: UnitOfWork
) -> None:
    """Records the message; fails for the poison SIREN."""
    if event.siren == POISON_SIREN or event.siren in failing_sirens:
        failures[event.siren] = failures.get(event.siren, 0) + 1
        raise RuntimeError(f"poison message: SIREN {event.siren} fails")
    if event.siren in held_sirens:
        begun.setdefault(event.siren, asyncio.Event()).set()
        await held_sirens[event.siren].wait()
    await uow.connection.execute(
        text("INSERT INTO applied (consumer, message_id, siren) VALUES ('probe', :m, :s)"),
        {"m": envelope.message_id, "s": event.siren},
    )


#: The projection of the version-guarded handler: the newest fact about a structure wins.
CERTIFICATIONS = "certifications"


def certification_changed(
    siren: str, certificate_number: str | None
) -> QualiopiCertificationChanged:
    return QualiopiCertificationChanged(
        siren=siren,
        certificate_number=certificate_number,
        valid_until=None,
        changed_at=datetime.now(UTC),
    )


@consumers.on(QualiopiCertificationChanged, projection=CERTIFICATIONS)
async def on_qualiopi_certification_changed(
    event: QualiopiCertificationChanged, envelope: Envelope, uow: UnitOfWork
) -> None:
    """Keeps the certificate of the last event applied (order-independent only through the
    version guard); fails for the SIRENs in ``failing_sirens``."""
    if event.siren in failing_sirens:
        failures[event.siren] = failures.get(event.siren, 0) + 1
        raise RuntimeError(f"certificate of SIREN {event.siren} cannot be recorded")
    await uow.connection.execute(
        text(
            "INSERT INTO certifications (siren, certificate_number) VALUES (:s, :c)"
            " ON CONFLICT (siren) DO UPDATE SET certificate_number = EXCLUDED.certificate_number"
        ),
        {"s": event.siren, "c": event.certificate_number},
    )
    await uow.connection.execute(
        text("INSERT INTO applied (consumer, message_id, siren) VALUES (:c, :m, :s)"),
        {"c": CERTIFICATIONS, "m": envelope.message_id, "s": event.siren},
    )
