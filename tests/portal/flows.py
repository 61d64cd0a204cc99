"""What the browser tests set up through the services' APIs, as the platform would have it: a
structure that applied, was approved and paid (its membership active, through every event
between membership, billing, training and booking)."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.auth import Role
from shared.clock import SystemClock
from shared.testing.helpers import wait_until
from tests.conftest import Platform
from tests.member_flows import TEXT, invoices_of, membership_state, pay, register

YEAR = SystemClock().today().year


async def invoice_of(billing: Any, platform: Platform, siren: str, year: int = YEAR) -> Any:
    """The structure's dues invoice of ``year``, once billing has issued it."""

    async def issued() -> list[Any]:
        return [i for i in await invoices_of(billing, platform, siren) if i["year"] == year]

    async def invoiced() -> bool:
        return bool(await issued())

    await wait_until(invoiced, within=60)
    [invoice] = await issued()
    return invoice


async def approved_and_invoiced(
    platform: Platform, siren: str, plan: str = "simple"
) -> dict[str, Any]:
    """A structure registered, applied and approved through the APIs; its dues invoice."""
    async with platform.client("membership") as membership, platform.client("billing") as billing:
        await register(membership, platform, siren)
        applied = await membership.post(
            "/applications",
            json={
                "siren": siren,
                "year": YEAR,
                "plan": plan,
                "texts": {"structure": TEXT, "activity": TEXT, "motivations": TEXT},
            },
            headers=platform.token(Role.MEMBER, siren),
        )
        assert applied.status_code == 201, applied.text
        approved = await membership.post(
            f"/applications/{applied.json()['id']}/approve", headers=platform.token(Role.BOARD)
        )
        assert approved.status_code == 200, approved.text
        result: dict[str, Any] = await invoice_of(billing, platform, siren)
        return result


async def active_member(platform: Platform, siren: str, plan: str, *, until: date) -> None:
    """A member whose dues are paid, active through ``until``: renewed (M6) for the next year
    too when ``until`` falls in it (late in December)."""
    invoice = await approved_and_invoiced(platform, siren, plan)
    async with platform.client("membership") as membership, platform.client("billing") as billing:
        await pay(billing, platform, invoice)

        async def active(year: int) -> bool:
            return await membership_state(membership, platform, siren, year) == "active"

        await wait_until(lambda: active(YEAR), within=60)
        if until.year == YEAR:
            return
        opened = await membership.post(f"/campaigns/{YEAR + 1}", headers=platform.token(Role.STAFF))
        assert opened.status_code in (200, 201), opened.text
        renewed = await membership.post(
            "/applications",
            json={"siren": siren, "year": YEAR + 1, "plan": plan},
            headers=platform.token(Role.MEMBER, siren),
        )
        assert renewed.status_code == 201, renewed.text
        await pay(billing, platform, await invoice_of(billing, platform, siren, YEAR + 1))
        await wait_until(lambda: active(YEAR + 1), within=60)
