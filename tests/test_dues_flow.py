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
from typing import Any

import httpx
import pytest

from shared.auth import Role
from shared.clock import SystemClock
from shared.testing.helpers import wait_until
from shared.testing.identifiers import new_siren, siret_of
from tests.conftest import Platform

PLATFORM_SERVICES = ("membership", "billing")
pytestmark = pytest.mark.e2e

TEXT = (
    "Association d'accompagnement vers l'emploi des jeunes du Médoc, "
    "qui anime des ateliers d'orientation et de découverte des métiers."
)


async def register(membership: httpx.AsyncClient, platform: Platform, siren: str) -> None:
    response = await membership.post(
        "/structures",
        json={
            "siren": siren,
            "legal_name": f"Mission Locale Test {siren}",
            "legal_form": "association",
            "head_office": {
                "siret": siret_of(siren),
                "address_line": "12 cours de la Marne",
                "postal_code": "33800",
                "city": "Bordeaux",
                "insee_code": "33063",
            },
            "email": "contact@example.org",
        },
        headers=platform.token(Role.MEMBER, siren),
    )
    assert response.status_code == 201, response.text


async def invoices_of(billing: httpx.AsyncClient, platform: Platform, siren: str) -> list[Any]:
    response = await billing.get(
        "/invoices", params={"siren": siren}, headers=platform.token(Role.FINANCE)
    )
    assert response.status_code == 200, response.text
    result: list[Any] = response.json()["items"]
    return result


async def membership_state(
    membership: httpx.AsyncClient, platform: Platform, siren: str, year: int
) -> str | None:
    response = await membership.get(
        f"/structures/{siren}/memberships", headers=platform.token(Role.STAFF)
    )
    assert response.status_code == 200, response.text
    states = [m["state"] for m in response.json() if m["year"] == year]
    return states[0] if states else None


async def pay(billing: httpx.AsyncClient, platform: Platform, invoice: dict[str, Any]) -> None:
    response = await billing.post(
        "/payments",
        json={
            "method": "transfer",
            "amount": invoice["total"],
            "received_on": SystemClock().today().isoformat(),
            "payer_reference": f"VIR COTISATION {invoice['number']}",
            "bank_reference": f"E2E-{invoice['id']}",
        },
        headers=platform.token(Role.FINANCE),
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "matched", response.json()


async def test_m5_f5_new_membership_then_m6_renewal_end_to_end(platform: Platform) -> None:
    year = SystemClock().today().year
    siren = new_siren()
    membership = platform.client("membership")
    billing = platform.client("billing")
    staff = platform.token(Role.STAFF)
    async with membership, billing:
        for tariff_year in (year, year + 1):
            response = await membership.put(
                f"/tariffs/{tariff_year}",
                json={"simple": "100.00", "premium": "150.00", "upgrade": "50.00"},
                headers=staff,
            )
            assert response.status_code == 200, response.text
        await register(membership, platform, siren)

        # New membership (M5): the board approves, billing invoices, payment activates.
        applied = await membership.post(
            "/applications",
            json={
                "siren": siren,
                "year": year,
                "plan": "premium",
                "texts": {"structure": TEXT, "activity": TEXT, "motivations": TEXT},
            },
            headers=platform.token(Role.MEMBER, siren),
        )
        assert applied.status_code == 201, applied.text
        assert applied.json()["kind"] == "new"
        assert applied.json()["status"] == "pending_review"

        # Billing's consumer dies before the approval: the event waits in its queue.
        await platform["billing"].stop("worker", signal.SIGKILL)
        approved = await membership.post(
            f"/applications/{applied.json()['id']}/approve", headers=platform.token(Role.BOARD)
        )
        assert approved.status_code == 200, approved.text
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
