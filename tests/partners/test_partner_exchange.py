"""A partner platform on the real broker: onboarded by the operator command, it receives every
partner event of a scripted day through its own queue and validates each against the published
AsyncAPI document; it sees no e-mail and no name; the broker refuses it anything else; a replay
gives it the day again, which it drops as duplicates.

The exchange service runs as its three processes; the internal events of the day are published
on the platform's exchange as membership, training and booking publish them.
"""

from __future__ import annotations

import ast
import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aio_pika
import pytest
from aiormq.exceptions import ChannelAccessRefused

from exchange.commands import remove_partner, replay
from exchange.settings import ExchangeSettings
from shared.settings import ServiceSettings
from shared.testing.messaging import BrokerPeer
from shared.testing.servers import TestServers as Servers
from tests.conftest import ROOT, Platform, run_platform
from tests.partners.consumer import Contract, PartnerConsumer, Received
from tests.partners.day import MAKES, NAMES, PHASES, a_day

#: The platform's databases and AMQP namespace within the run.
LABEL = "partners"
PLATFORM_SERVICES = ("exchange",)
pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Access:
    partner: str
    user: str
    password: str
    queue: str
    url: str


async def operator(env: dict[str, str], *args: str) -> str:
    """``python -m exchange <args>`` as the operator runs it."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "exchange",
        *args,
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


@dataclass(frozen=True)
class Onboarded:
    platform: Platform
    partners: dict[str, Access]
    #: The exchange service's settings in this run (its database, the broker, rabbitmqctl).
    settings: ExchangeSettings


@pytest.fixture(scope="module")
async def onboarded(
    test_servers: Servers, migrated_database: Any, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Onboarded]:
    """The exchange service's processes, and meanwhile two partners added by the operator
    command as an operator runs it (removed after, while the processes stop)."""
    if test_servers.rabbitmqctl is None:
        pytest.fail("this run cannot reach rabbitmqctl: partners cannot be added")
    ctl = test_servers.rabbitmqctl
    namespace = f"{test_servers.namespace}.{LABEL}"  # run_platform's
    env = dict(
        os.environ,
        RABBITMQ_URL=test_servers.rabbitmq_url,
        RABBITMQ_NAMESPACE=namespace,
        EXCHANGE_RABBITMQCTL=ctl,
        LOG_JSON="false",
    )
    names = ("occitanie", "bretagne")
    running = run_platform(
        PLATFORM_SERVICES,
        test_servers,
        migrated_database,
        tmp_path_factory.mktemp("logs"),
        label=LABEL,
    )
    started = await asyncio.gather(
        running.__aenter__(),
        *(operator(env, "partner", "add", name, "--json") for name in names),
        return_exceptions=True,
    )
    settings = ExchangeSettings(
        rabbitmq_url=test_servers.rabbitmq_url, rabbitmq_namespace=namespace, rabbitmqctl=ctl
    )
    failed = [r for r in started if isinstance(r, BaseException)]
    if failed:
        await asyncio.gather(
            *(remove_partner(settings, name) for name in names), return_exceptions=True
        )
        if not isinstance(started[0], BaseException):
            await running.__aexit__(None, None, None)
        raise failed[0]
    platform, *added = started
    settings = settings.model_copy(
        update={"database_url": platform["exchange"].env["EXCHANGE_DATABASE_URL"]}
    )
    accesses = {}
    for output in added:
        given = json.loads(output)
        accesses[given["partner"]] = Access(
            given["partner"], given["user"], given["password"], given["queue"], given["url"]
        )
    try:
        yield Onboarded(platform, accesses, settings)
    finally:
        await asyncio.gather(
            running.__aexit__(None, None, None),
            *(remove_partner(settings, name) for name in names),
        )


def peer_settings(platform: Platform) -> ServiceSettings:
    env = platform["exchange"].env
    return ServiceSettings(
        rabbitmq_url=env["RABBITMQ_URL"], rabbitmq_namespace=env["RABBITMQ_NAMESPACE"]
    )


@pytest.fixture(scope="module")
async def day(onboarded: Onboarded) -> tuple[PartnerConsumer, datetime]:
    """The day published, and what the first partner's consumer received of it."""
    started = datetime.now(UTC) - timedelta(seconds=1)
    platform = onboarded.platform
    access = onboarded.partners["occitanie"]
    contract = Contract.load()
    # the queue the document names, in this run's namespace (the document's is capmetiers)
    assert access.queue.endswith(contract.queue_of(access.partner).removeprefix("capmetiers"))
    consumer = PartnerConsumer(contract, access.url, access.queue)
    expected = 0
    facts = list(zip(a_day(), MAKES, strict=True))
    assert sum(PHASES) == len(facts)
    async with consumer.running(), BrokerPeer.connect(peer_settings(platform)) as peer:
        for size in PHASES:
            phase, facts = facts[:size], facts[size:]
            for (event, aggregate), makes in phase:
                await peer.publish(event, aggregate=aggregate)
                expected += makes

            def arrived(received: Received, count: int = expected) -> bool:
                return len(received.messages) + len(received.invalid) >= count

            await consumer.wait_for(arrived, within=30)
        await asyncio.sleep(0.5)  # time for one too many to show, were there one
    assert len(consumer.received.messages) == expected
    return consumer, started


async def test_x2_a_partner_receives_every_partner_event_of_the_day_valid_by_the_document(
    day: tuple[PartnerConsumer, datetime],
) -> None:
    consumer, _ = day
    received = consumer.received
    assert received.invalid == []
    assert {m["event_type"] for m in received.messages.values()} == set(
        consumer.contract.validators
    ), "every message of the document"
    latest = {key[0]: m["payload"] for key, m in received.latest.items()}
    assert latest["MemberStatusChanged"]["status"] == "lapsed"
    places = [m["payload"] for m in received.of_type("TrainingSessionPlacesChanged")]
    assert [(p["places_taken"], p["waiting"]) for p in places] == [
        (1, 0),
        (2, 0),
        (2, 1),
        (1, 1),
        (2, 0),
    ]
    assert latest["TrainingSessionPlacesChanged"]["places_left"] == 0
    assert received.of_type("AuditoriumReserved")
    assert received.of_type("AuditoriumReleased")


async def test_x2_no_partner_message_carries_an_email_or_a_persons_name(
    day: tuple[PartnerConsumer, datetime],
) -> None:
    consumer, _ = day
    assert consumer.received.bodies
    for body in consumer.received.bodies:
        text = body.decode()
        assert "@" not in text, text
        for name in NAMES:
            assert name.lower() not in text.lower(), (name, text)
    [attendance] = consumer.received.of_type("TrainingAttendanceRecorded")
    assert attendance["payload"]["participant"].startswith("p-")


async def test_x2_a_replay_sends_the_day_again_and_the_partner_drops_it_as_duplicates(
    onboarded: Onboarded, day: tuple[PartnerConsumer, datetime]
) -> None:
    consumer, started = day
    before = len(consumer.received.messages)
    sent = await replay(onboarded.settings, "occitanie", started)
    assert sent == before, "every partner event of the day, from the outbox"
    async with consumer.running():
        await consumer.wait_for(lambda received: received.duplicates >= before)
    assert len(consumer.received.messages) == before, "nothing new: the same message ids"
    assert consumer.received.invalid == []


async def refused(url: str, action: Any) -> bool:
    """Whether the broker refuses ``action(channel)`` to the user of ``url``."""
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        try:
            await action(channel)
        except ChannelAccessRefused:
            return True
        return False


async def test_x2_a_partner_can_declare_bind_or_read_nothing_but_its_own_queue(
    onboarded: Onboarded,
) -> None:
    occitanie, bretagne = onboarded.partners["occitanie"], onboarded.partners["bretagne"]
    namespace = onboarded.platform["exchange"].env["RABBITMQ_NAMESPACE"]
    internal = f"{namespace}.events"

    async def declare_internal(channel: aio_pika.abc.AbstractChannel) -> None:
        await channel.declare_exchange(internal, aio_pika.ExchangeType.TOPIC, durable=True)

    async def bind_own_queue_to_internal(channel: aio_pika.abc.AbstractChannel) -> None:
        queue = await channel.declare_queue(occitanie.queue, passive=True)
        await queue.bind(internal, routing_key="#")

    def reading(name: str) -> Any:
        async def read(channel: aio_pika.abc.AbstractChannel) -> None:
            queue = await channel.declare_queue(name, passive=True)
            await queue.get(fail=False)

        return read

    async def own_new_queue(channel: aio_pika.abc.AbstractChannel) -> None:
        await channel.declare_queue(f"{occitanie.queue}.mine", durable=True)

    assert await refused(occitanie.url, declare_internal)
    assert await refused(occitanie.url, bind_own_queue_to_internal)
    assert await refused(occitanie.url, own_new_queue)
    assert await refused(occitanie.url, reading(bretagne.queue)), "another partner's queue"
    assert await refused(occitanie.url, reading(f"{namespace}.exchange.on_membership_activated"))
    assert await refused(occitanie.url, reading(f"{namespace}.journal"))
    # and what it may do, it can: read its own queue
    assert not await refused(occitanie.url, reading(occitanie.queue))
    assert not await refused(bretagne.url, reading(bretagne.queue))


def test_x2_the_consumer_is_written_from_the_document_alone() -> None:
    source = (Path(__file__).parent / "consumer.py").read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    platform = {"shared", "membership", "training", "booking", "billing", "exchange", "portal"}
    assert not imported & platform, imported & platform
