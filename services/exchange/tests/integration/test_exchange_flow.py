"""The exchange service on the real PostgreSQL and RabbitMQ: internal events in, partner events
out on the partner exchange, once each, with the places of a session right under concurrency."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime
from typing import Any

import aio_pika
import pytest
from sqlalchemy import text

from exchange.consumers import on_enrollment_confirmed, on_session_scheduled
from exchange.service import ExchangeRuntime
from exchange.tables import metadata
from shared.contracts import EnrollmentConfirmed, Envelope, MembershipActivated, SessionScheduled
from shared.messaging.outbox import AggregateRef, build_envelope
from shared.testing.helpers import schema_drift
from shared.testing.messaging import BrokerPeer, running_consumers, running_relay

pytestmark = pytest.mark.integration
AT = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)


def confirmed(session_id: uuid.UUID) -> EnrollmentConfirmed:
    return EnrollmentConfirmed(
        enrollment_id=uuid.uuid4(),
        session_id=session_id,
        action_id=uuid.uuid4(),
        action_type="training",
        siren="356000000",
        participant_email="lou@example.org",
        session_starts_on=date(2025, 3, 18),
        confirmed_at=AT,
    )


async def test_x1_tables_match_the_migrations(runtime: ExchangeRuntime) -> None:
    assert await schema_drift(runtime.engine, metadata) == []


async def test_x2_an_internal_event_delivered_twice_is_one_partner_event_on_the_partner_exchange(
    runtime: ExchangeRuntime,
) -> None:
    activated = MembershipActivated(
        membership_id=uuid.uuid4(),
        siren="356000000",
        year=2025,
        plan="premium",
        valid_from=date(2025, 3, 4),
        valid_until=date(2025, 12, 31),
        activated_at=AT,
    )
    settings = runtime.settings
    async with (
        running_consumers(runtime),
        running_relay(runtime),
        BrokerPeer.connect(settings) as peer,
    ):
        partners = await peer.channel.declare_exchange(
            f"{settings.rabbitmq_namespace}.partners", aio_pika.ExchangeType.TOPIC, durable=True
        )
        queue = await peer.channel.declare_queue(exclusive=True)
        await queue.bind(partners, routing_key="member.#")
        envelope = await peer.publish(
            activated, aggregate=AggregateRef.of(activated.membership_id, 2)
        )
        await peer.publish(activated, envelope)  # a redelivery
        got: list[aio_pika.abc.AbstractIncomingMessage] = []
        async with asyncio.timeout(20):
            while not got:
                message = await queue.get(fail=False)
                if message is None:
                    await asyncio.sleep(0.1)
                    continue
                got.append(message)
        await asyncio.sleep(1.0)  # time for a second one to show, were there one
        assert await queue.get(fail=False) is None, "the redelivery made a second event"
    partner = Envelope.model_validate_json(got[0].body)
    assert got[0].routing_key == "member.status_changed.v1"
    assert (partner.event_type, partner.producer) == ("MemberStatusChanged", "exchange")
    assert (partner.aggregate_id, partner.aggregate_version) == (
        str(activated.membership_id),
        2,
    )
    assert partner.causation_id == str(envelope.message_id)
    assert partner.payload["status"] == "active"


async def test_t5_places_counted_right_when_a_session_fills_from_many_workers_at_once(
    runtime: ExchangeRuntime,
) -> None:
    session_id = uuid.uuid4()
    scheduled = SessionScheduled(
        session_id=session_id,
        action_id=uuid.uuid4(),
        action_type="training",
        title="Atelier",
        starts_on=date(2025, 3, 18),
        ends_on=date(2025, 3, 18),
        capacity=30,
        remote=True,
        registration_opens_on=date(2025, 1, 27),
        scheduled_at=AT,
    )
    async with runtime.transaction() as uow:
        await on_session_scheduled(
            scheduled, build_envelope(scheduled, aggregate=AggregateRef.of(session_id, 1)), uow
        )

    async def confirm(event: EnrollmentConfirmed) -> None:
        async with runtime.transaction() as uow:
            envelope = build_envelope(event, aggregate=AggregateRef.of(event.enrollment_id, 1))
            await on_enrollment_confirmed(event, envelope, uow)

    await asyncio.gather(*(confirm(confirmed(session_id)) for _ in range(12)))
    rows = await _partner_rows(runtime, session_id)
    places = [r for r in rows if r["event_type"] == "TrainingSessionPlacesChanged"]
    assert [r["payload"]["places_taken"] for r in places] == list(range(1, 13))
    assert places[-1]["payload"]["places_left"] == 18
    versions = [r["aggregate_version"] for r in rows]
    assert versions == sorted(versions)
    assert len(set(versions)) == len(versions) == 13


async def _partner_rows(runtime: ExchangeRuntime, session_id: uuid.UUID) -> list[dict[str, Any]]:
    async with runtime.engine.connect() as connection:
        result = await connection.execute(
            text(
                "SELECT payload FROM outbox WHERE payload->>'aggregate_id' = :id "
                "ORDER BY (payload->>'aggregate_version')::int"
            ),
            {"id": str(session_id)},
        )
        return [dict(row.payload) for row in result]
