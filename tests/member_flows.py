"""The steps of a structure's way to membership over the APIs, for the platform's tests: its
record, the year's tariffs, its application, its invoices, their payment, its state."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from shared.auth import Role
from shared.clock import SystemClock
from shared.testing.identifiers import siret_of
from tests.conftest import Platform

TEXT = (
    "Association d'accompagnement vers l'emploi des jeunes du Médoc, "
    "qui anime des ateliers d'orientation et de découverte des métiers."
)
TEXTS = {"structure": TEXT, "activity": TEXT, "motivations": TEXT}
PRICES = {"simple": "100.00", "premium": "150.00", "upgrade": "50.00"}


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.request.url}: {response.text}"
    return response.json()


async def put_tariffs(membership: httpx.AsyncClient, platform: Platform, *years: int) -> None:
    """The dues of ``years`` (F1): 100 € simple, 150 € premium, 50 € the upgrade."""
    for year in years:
        ok(
            await membership.put(
                f"/tariffs/{year}", json=PRICES, headers=platform.token(Role.STAFF)
            )
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


async def apply(
    membership: httpx.AsyncClient, platform: Platform, siren: str, year: int
) -> dict[str, Any]:
    """The structure's application for a premium membership of ``year``, as it answers."""
    applied: dict[str, Any] = ok(
        await membership.post(
            "/applications",
            json={"siren": siren, "year": year, "plan": "premium", "texts": TEXTS},
            headers=platform.token(Role.MEMBER, siren),
        ),
        201,
    )
    return applied


async def approve(membership: httpx.AsyncClient, platform: Platform, application: str) -> None:
    """The board's approval (M2): billing then invoices the dues."""
    path = f"/applications/{application}/approve"
    ok(await membership.post(path, headers=platform.token(Role.BOARD)))


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


async def pay(
    billing: httpx.AsyncClient,
    platform: Platform,
    invoice: dict[str, Any],
    received_on: date | None = None,
) -> dict[str, Any]:
    """Finance records the transfer of ``invoice``'s total, received on ``received_on`` (today
    by default); the payment is matched to the invoice (F4). Returns the payment."""
    payment: dict[str, Any] = ok(
        await billing.post(
            "/payments",
            json={
                "method": "transfer",
                "amount": invoice["total"],
                "received_on": (received_on or SystemClock().today()).isoformat(),
                "payer_reference": f"VIR COTISATION {invoice['number']}",
                "bank_reference": f"E2E-{invoice['id']}",
            },
            headers=platform.token(Role.FINANCE),
        ),
        201,
    )
    assert payment["status"] == "matched", payment
    return payment
