"""F3, F6 on the real servers: reminders of overdue invoices on the finance team's schedule
(15 and 30 days after the due date, a formal notice at 45), each level once, each a stored
letter and an InvoiceReminderSent event; the reconciliation shows where each stands."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from datetime import UTC, datetime

import httpx
import pytest
from billing_factories import approved, deliver, outbox_envelopes, the_invoice
from pypdf import PdfReader

from billing.service import BillingRuntime
from shared.auth import Role
from shared.clock import FixedClock

pytestmark = pytest.mark.integration


async def test_f3_f6_each_level_of_the_schedule_is_sent_once_and_never_steps_back(
    billing: BillingRuntime,
    clock: FixedClock,
    client: httpx.AsyncClient,
    finance: dict[str, str],
    token: object,
) -> None:
    clock.set(datetime(2044, 1, 10, 9, tzinfo=UTC))
    late, paid, partly = approved(year=2044), approved(year=2044), approved(year=2044)
    for event in (late, paid, partly):
        await deliver(billing, event)
    inv_late = await the_invoice(billing, late.siren)
    inv_paid = await the_invoice(billing, paid.siren)
    inv_partly = await the_invoice(billing, partly.siren)
    assert str(inv_late.due_on) == "2044-02-09"
    clock.set(datetime(2044, 1, 20, 9, tzinfo=UTC))
    for invoice, amount in ((inv_paid, "100.00"), (inv_partly, "40.00")):
        r = await client.post(
            "/payments",
            json={
                "method": "transfer",
                "amount": amount,
                "received_on": "2044-01-20",
                "payer_reference": invoice.number,
                "bank_reference": f"REM-{invoice.siren}",
            },
            headers=finance,
        )
        assert r.status_code == 201

    clock.set(datetime(2044, 3, 30, 9, tzinfo=UTC))
    early = await client.post("/reminders/run?as_of=2044-02-23", headers=finance)  # 14 days
    assert early.status_code == 200
    assert (
        await client.get(f"/invoices/{inv_late.number}/reminders", headers=finance)
    ).json() == []

    first = await client.post("/reminders/run?as_of=2044-02-24", headers=finance)  # 15 days
    assert first.json()["sent"] >= 2
    again = await client.post("/reminders/run?as_of=2044-02-24", headers=finance)
    assert again.json()["sent"] == 0, "a level is sent once"
    [reminder] = (
        await client.get(f"/invoices/{inv_late.number}/reminders", headers=finance)
    ).json()
    assert (reminder["level"], reminder["kind"], reminder["amount_due"]) == (
        1,
        "reminder",
        "100.00",
    )
    assert (
        await client.get(f"/invoices/{inv_paid.number}/reminders", headers=finance)
    ).json() == []
    [partial] = (
        await client.get(f"/invoices/{inv_partly.number}/reminders", headers=finance)
    ).json()
    assert partial["amount_due"] == "60.00"

    # a run missed for weeks sends the level reached (the formal notice), not every level skipped
    await client.post("/reminders/run?as_of=2044-03-30", headers=finance)  # 50 days
    levels = (await client.get(f"/invoices/{inv_late.number}/reminders", headers=finance)).json()
    assert [(r["level"], r["kind"]) for r in levels] == [(1, "reminder"), (3, "formal_notice")]
    await client.post("/reminders/run?as_of=2044-03-30", headers=finance)
    sent = await outbox_envelopes(billing, "InvoiceReminderSent", "invoice_id", str(inv_late.id))
    assert [(e.payload["level"], e.payload["kind"]) for e in sent] == [
        (1, "reminder"),
        (3, "formal_notice"),
    ]
    assert [e.aggregate_version for e in sent] == [2, 3], "facts about the invoice, in order"

    member = token(Role.MEMBER, siren=late.siren)  # type: ignore[operator]
    letter = await client.get(f"/invoices/{inv_late.number}/reminders/3/pdf", headers=member)
    assert letter.status_code == 200, letter.text
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.content)).pages)
    assert "MISE EN DEMEURE DE PAYER" in text
    assert inv_late.number in text
    same = await client.get(f"/invoices/{inv_late.number}/reminders/3/pdf", headers=member)
    assert same.content == letter.content
    missing = await client.get(f"/invoices/{inv_late.number}/reminders/2/pdf", headers=member)
    assert missing.status_code == 404

    report = (
        await client.get("/reconciliation?from=2044-01-01&to=2044-01-31", headers=finance)
    ).json()
    overdue = {o["number"]: o for o in report["overdue"]}
    assert overdue[inv_late.number]["last_reminder_level"] == 3
    assert overdue[inv_late.number]["last_reminder_kind"] == "formal_notice"
    assert overdue[inv_late.number]["last_reminder_on"] == "2044-03-30"
    assert overdue[inv_partly.number]["last_reminder_level"] == 3, "partly paid: reminded too"
    assert inv_paid.number not in overdue

    ahead = await client.post("/reminders/run?as_of=2044-03-31", headers=finance)
    assert (ahead.status_code, ahead.json()["code"]) == (422, "validation")


async def test_f3_the_reminders_command_runs_for_a_day(billing: BillingRuntime) -> None:
    env = {**os.environ, "BILLING_DATABASE_URL": billing.settings.database_url, "LOG_JSON": "false"}

    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "billing", "reminders", "--date", "2025-01-02"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "reminder(s) sent as of 2025-01-02" in done.stdout
