"""The probe service's wiring: a producer (a business change plus its event) and a consumer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from shared.contracts import BeneficiaryAdded, Envelope
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
    await uow.connection.execute(
        text("INSERT INTO applied (consumer, message_id, siren) VALUES ('probe', :m, :s)"),
        {"m": envelope.message_id, "s": event.siren},
    )
