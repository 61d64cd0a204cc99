"""The dues flow end to end (M5, M6, F1, F4, F5, F6), membership and billing as processes.

A new structure applies, the board approves, billing issues the invoice, finance records the
payment, the membership is active; a renewal goes the same way without the board; the
reconciliation then shows no mismatch. Billing's consumer is killed mid-flow and restarted:
the flow still completes, with one invoice.
"""

from __future__ import annotations

import asyncio
import signal
from decimal import Decimal

import pytest

from shared.auth import Role
from shared.clock import SystemClock
from shared.testing.helpers import wait_until
from shared.testing.identifiers import new_siren
from tests.conftest import Platform
from tests.member_flows import (
    apply,
    approve,
    invoices_of,
    membership_state,
    pay,
    put_tariffs,
    register,
)

PLATFORM_SERVICES = ("membership", "billing")
pytestmark = pytest.mark.e2e


async def test_m5_f5_new_membership_then_m6_renewal_end_to_end(platform: Platform) -> None:
    year = SystemClock().today().year
    siren = new_siren()
    membership = platform.client("membership")
    billing = platform.client("billing")
    staff = platform.token(Role.STAFF)
    async with membership, billing:
        await put_tariffs(membership, platform, year, year + 1)
        await register(membership, platform, siren)

        # New membership (M5): the board approves, billing invoices, payment activates.
        applied = await apply(membership, platform, siren, year)
        assert applied["kind"] == "new"
        assert applied["status"] == "pending_review"

        # Billing's consumer dies before the approval: the event waits in its queue.
        await platform["billing"].stop("worker", signal.SIGKILL)
        await approve(membership, platform, applied["id"])
        await asyncio.sleep(2)
        assert await invoices_of(billing, platform, siren) == []
        await platform["billing"].start("worker")

        async def invoiced(n: int) -> bool:
            return len(await invoices_of(billing, platform, siren)) >= n

        await wait_until(lambda: invoiced(1), within=60)
        [invoice] = await invoices_of(billing, platform, siren)
        assert invoice["kind"] == "membership_new"
        assert Decimal(invoice["total"]) == Decimal("150.00")
        assert invoice["year"] == year
        assert await membership_state(membership, platform, siren, year) == "awaiting_payment"

        await pay(billing, platform, invoice)

        async def active(y: int) -> bool:
            return await membership_state(membership, platform, siren, y) == "active"

        await wait_until(lambda: active(year), within=30)
        rights = await membership.get(
            f"/rights/{siren}", headers=platform.token(Role.MEMBER, siren)
        )
        assert rights.json()["status"] == "active"
        assert rights.json()["rights"]["room_booking"] is True

        # Renewal (M6): no board; the campaign opens next year, the invoice follows at once.
        campaign = await membership.post(f"/campaigns/{year + 1}", headers=staff)
        assert campaign.status_code in (200, 201), campaign.text
        renewal = await membership.post(
            "/applications",
            json={"siren": siren, "year": year + 1, "plan": "simple"},
            headers=platform.token(Role.MEMBER, siren),
        )
        assert renewal.status_code == 201, renewal.text
        assert renewal.json()["kind"] == "renewal"
        assert renewal.json()["status"] == "processed"

        await wait_until(lambda: invoiced(2), within=30)
        renewal_invoice = next(
            i for i in await invoices_of(billing, platform, siren) if i["year"] == year + 1
        )
        assert renewal_invoice["kind"] == "membership_renewal"
        assert Decimal(renewal_invoice["total"]) == Decimal("100.00")
        await pay(billing, platform, renewal_invoice)
        await wait_until(lambda: active(year + 1), within=30)

        # One invoice per dues, whatever the restart; and the books agree with membership (F6).
        await asyncio.sleep(1)
        assert len(await invoices_of(billing, platform, siren)) == 2
        report = await billing.get(
            "/reconciliation",
            params={"from": f"{year}-01-01", "to": f"{year}-12-31"},
            headers=platform.token(Role.FINANCE),
        )
        assert report.status_code == 200, report.text
        # this structure's: other tests of the session (the API fuzzers) leave their own traces
        assert [m for m in report.json()["mismatches"] if m["siren"] == siren] == []
        assert report.json()["consistent"] is True
