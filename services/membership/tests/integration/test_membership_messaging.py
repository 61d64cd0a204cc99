"""X2 on the real PostgreSQL and RabbitMQ: events leave through the outbox and relay, consumed
events are applied once, the lapse scheduler publishes once."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from membership.scheduler import lapse_for, lapse_memberships
from shared.contracts import CreditNoteIssued, InvoicePaid
from shared.messaging.outbox import AggregateRef
from shared.testing.helpers import wait_until

pytestmark = pytest.mark.integration


def paid_event(
    siren: str, subject_id: UUID, paid_on: date, kind: str = "membership_new"
) -> InvoicePaid:
    return InvoicePaid(
        invoice_id=uuid4(),
        number="F-2026-00042",
        siren=siren,
        kind=kind,  # type: ignore[arg-type]
        subject_id=subject_id,
        year=paid_on.year,
        total=Decimal("100.00"),
        paid_on=paid_on,
    )


async def test_x2_approval_publishes_membership_approved_through_outbox_and_relay(
    scenario, relay, peer
) -> None:
    queue = await peer.listen("membership.approved.v1")
    siren = await scenario.register()
    application = await scenario.apply(siren, 2026, "simple")
    membership_id = await scenario.approve(application["id"])

    def ours(envelope: dict) -> bool:
        return envelope["payload"]["membership_id"] == str(membership_id)

    [envelope] = await received(queue, ours)
    assert envelope["event_type"] == "MembershipApproved"
    assert envelope["producer"] == "membership"
    assert envelope["payload"]["siren"] == siren
    assert envelope["payload"]["amount"] == "100.00"
    assert (
        envelope["payload"]["customer"]["siret"]
        == scenario.structure_body(siren)["head_office"]["siret"]
    )


async def test_x2_invoice_paid_on_the_broker_activates_once_even_delivered_twice(
    scenario, consumer, peer
) -> None:
    siren = await scenario.register()
    application = await scenario.apply(siren, 2026, "premium")
    membership_id = await scenario.approve(application["id"])

    event = paid_event(siren, membership_id, date(2026, 3, 12))
    envelope = await peer.publish(event)
    await peer.publish(event, envelope)  # the same message delivered again
    await peer.publish(event)  # the same payment under another message id

    async def activated() -> bool:
        return (
            len(await scenario.outbox("MembershipActivated", membership_id=str(membership_id))) >= 1
        )

    await wait_until(activated)
    await asyncio.sleep(1.0)
    activations = await scenario.outbox("MembershipActivated", membership_id=str(membership_id))
    assert len(activations) == 1
    payload = activations[0]["payload"]
    assert payload["plan"] == "premium"
    assert payload["valid_from"] == "2026-03-12"
    assert payload["invoice_id"] == str(event.invoice_id)
    rights = await scenario.rights(siren, date(2026, 3, 12))
    assert rights["status"] == "active"

    # A credit note arriving after payment does not withdraw an active membership.
    await peer.publish(
        CreditNoteIssued(
            credit_note_id=uuid4(),
            number="AV-2026-0009",
            invoice_id=event.invoice_id,
            invoice_number=event.number,
            siren=siren,
            kind="membership_new",
            subject_id=membership_id,
            amount=Decimal("150.00"),
            cancels_invoice=True,
            reason="refund",
            issued_on=date(2026, 3, 20),
        )
    )
    await asyncio.sleep(1.0)
    assert (await scenario.rights(siren, date(2026, 3, 21)))["status"] == "active"


async def test_x2_a_stale_invoice_paid_after_its_credit_note_does_not_activate(
    scenario, runtime, consumer, peer
) -> None:
    """The invoice's versions order billing's facts about it, whatever the queues do: the
    credit note (v3) applied first, the payment it superseded (v2) is dropped as stale."""
    siren = await scenario.register()
    application = await scenario.apply(siren, 2026, "simple")
    membership_id = await scenario.approve(application["id"])
    paid = paid_event(siren, membership_id, date(2026, 3, 12))
    credit_note = CreditNoteIssued(
        credit_note_id=uuid4(),
        number="AV-2026-0010",
        invoice_id=paid.invoice_id,
        invoice_number=paid.number,
        siren=siren,
        kind="membership_new",
        subject_id=membership_id,
        amount=Decimal("100.00"),
        cancels_invoice=True,
        reason="cancelled",
        issued_on=date(2026, 3, 13),
    )
    stale_before = runtime.consumers.stats.stale

    async def states() -> list[str]:
        response = await scenario.client.get(
            f"/structures/{siren}/memberships", headers=scenario.staff
        )
        return [m["state"] for m in response.json()]

    async def withdrawn() -> bool:
        return await states() == ["withdrawn"]

    async def dropped() -> bool:
        return runtime.consumers.stats.stale > stale_before

    await peer.publish(credit_note, aggregate=AggregateRef.of(paid.invoice_id, 3))
    await wait_until(withdrawn)
    await peer.publish(paid, aggregate=AggregateRef.of(paid.invoice_id, 2))
    await wait_until(dropped)
    assert await states() == ["withdrawn"]
    assert await scenario.outbox("MembershipActivated", membership_id=str(membership_id)) == []
    assert (await scenario.rights(siren, date(2026, 3, 14)))["status"] == "none"


async def test_x2_a_partial_credit_note_never_makes_a_delayed_payment_stale(
    scenario, runtime, consumer, peer
) -> None:
    """A partial credit note (v3, it cancels nothing) applied before the payment (v2) that
    preceded it: the payment still activates the membership (M5)."""
    siren = await scenario.register()
    application = await scenario.apply(siren, 2026, "simple")
    membership_id = await scenario.approve(application["id"])
    paid = paid_event(siren, membership_id, date(2026, 3, 12))
    partial = CreditNoteIssued(
        credit_note_id=uuid4(),
        number="AV-2026-0011",
        invoice_id=paid.invoice_id,
        invoice_number=paid.number,
        siren=siren,
        kind="membership_new",
        subject_id=membership_id,
        amount=Decimal("20.00"),
        cancels_invoice=False,
        reason="goodwill",
        issued_on=date(2026, 3, 13),
    )

    async def active() -> bool:
        return (await scenario.rights(siren, date(2026, 3, 14)))["status"] == "active"

    await peer.publish(partial, aggregate=AggregateRef.of(paid.invoice_id, 3))
    await asyncio.sleep(0.5)
    await peer.publish(paid, aggregate=AggregateRef.of(paid.invoice_id, 2))
    await wait_until(active)


async def test_x2_lapse_scheduler_publishes_membership_lapsed_once_when_run_twice(
    scenario, runtime, relay, peer
) -> None:
    queue = await peer.listen("membership.lapsed.v1")
    siren = await scenario.register()
    membership_id = await scenario.member_of(siren, 2025)

    scenario.at(date(2026, 1, 1))
    first = await lapse_memberships(runtime)
    second = await lapse_memberships(runtime)
    assert [x.membership_id for x in first if x.siren == siren] == [membership_id]
    assert [x for x in second if x.siren == siren] == []

    def ours(envelope: dict) -> bool:
        return envelope["payload"]["membership_id"] == str(membership_id)

    lapsed = await received(queue, ours, settle=1.5)
    assert len(lapsed) == 1
    assert lapsed[0]["payload"]["lapsed_on"] == "2026-01-01"
    assert lapsed[0]["payload"]["reason"] == "not_renewed"
    # A third run, later, still finds nothing to do for it.
    assert [x for x in await lapse_for(runtime, date(2026, 3, 1)) if x.siren == siren] == []


async def test_m4_lapse_command_catches_up_a_given_date(scenario, runtime) -> None:
    siren = await scenario.register()
    membership_id = await scenario.member_of(siren, 2025)
    env = {
        **os.environ,
        "MEMBERSHIP_DATABASE_URL": runtime.settings.database_url,
        "RABBITMQ_URL": runtime.settings.rabbitmq_url,
        "LOG_JSON": "false",
    }
    code, out, err = await run_cli(env, "lapse", "--date", "2026-01-02")
    assert code == 0, err
    assert f"{siren} 2025 lapsed on 2026-01-01 (not_renewed)" in out
    memberships = await scenario.client.get(
        f"/structures/{siren}/memberships", headers=scenario.staff
    )
    [row] = memberships.json()
    assert row["id"] == str(membership_id)
    assert row["state"] == "lapsed"

    code, _, err = await run_cli(env, "lapse", "--date", "2999-01-01")
    assert code != 0
    assert "future" in err


async def run_cli(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    """``python -m membership ...`` as an operator runs it."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "membership",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def received(queue, match, *, at_least: int = 1, within: float = 10.0, settle: float = 1.0):
    """Envelopes on ``queue`` that ``match``: waits for ``at_least``, then ``settle`` seconds
    more, so that a duplicate would show."""
    found: list[dict] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    settle_until = None
    while True:
        message = await queue.get(no_ack=True, fail=False)
        if message is not None:
            envelope = json.loads(message.body)
            if match(envelope):
                found.append(envelope)
            continue
        now = loop.time()
        if len(found) >= at_least and settle_until is None:
            settle_until = now + settle
        if settle_until is not None and now >= settle_until:
            return found
        if settle_until is None and now >= deadline:
            return found
        await asyncio.sleep(0.05)
