"""Auditorium dates end to end (B3, B9, F1, F6): membership, booking and billing as processes.

A premium member, made active over membership's and billing's APIs, lapses at the new year
without renewing (M4), renews in the grace window (reinstated until 15 February) and books two
auditorium dates of January and February: billing invoices 250 € a date. The member cancels one
before its day: a credit note of 250 €. Finance then cancels the unpaid renewal invoice, which
withdraws the renewal and ends the member status kept for it (``MembershipLapsed``, withdrawn):
booking cancels the other date (B9) and billing credits it. The reconciliation of the year
shows no mismatch for the structure (F6). Every process reads one shifted clock
(``DEV_CLOCK_FILE``), moved from June of one year to January of the next.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
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
    ok,
    pay,
    put_tariffs,
    register,
)

PLATFORM_SERVICES = ("membership", "booking", "billing")
PLATFORM_CLOCK = True
pytestmark = pytest.mark.e2e

PURPOSE = "Forum de l'emploi et de l'orientation des jeunes du territoire"


def working_day(after: date) -> date:
    """The first Tuesday to Thursday after ``after`` (never a weekend nor a January holiday)."""
    day = after + timedelta(days=1)
    while day.isoweekday() not in (2, 3, 4):
        day += timedelta(days=1)
    return day


async def credit_notes_of(billing: httpx.AsyncClient, platform: Platform, siren: str) -> Any:
    response = await billing.get(
        "/credit-notes", params={"siren": siren}, headers=platform.token(Role.FINANCE)
    )
    return ok(response)["items"]


async def test_b3_b9_f6_auditorium_dates_invoiced_credited_and_reconciled(
    platform: Platform,
) -> None:
    year = SystemClock().today().year + 1
    siren = new_siren()
    staff, finance = platform.token(Role.STAFF), platform.token(Role.FINANCE)
    member = platform.token(Role.MEMBER, siren)
    membership, booking, billing = (platform.client(n) for n in PLATFORM_SERVICES)
    async with membership, booking, billing:
        # June of `year`: a new premium member, approved by the board, its dues paid (M5, F5).
        platform.move_to(datetime(year, 6, 2, 8, tzinfo=UTC))
        await put_tariffs(membership, platform, year, year + 1)
        await register(membership, platform, siren)
        applied = await apply(membership, platform, siren, year)
        await approve(membership, platform, applied["id"])

        async def invoiced(kind: str, n: int = 1) -> list[Any]:
            found = [i for i in await invoices_of(billing, platform, siren) if i["kind"] == kind]
            return found if len(found) >= n else []

        await wait_until(lambda: invoiced("membership_new"), within=30, interval=0.3)
        [dues] = await invoiced("membership_new")
        await pay(billing, platform, dues, platform.clock.today())

        async def state_is(wanted: str) -> bool:
            return await membership_state(membership, platform, siren, year) == wanted

        await wait_until(lambda: state_is("active"), within=30, interval=0.3)

        # January of the next year: not renewed, the membership lapses (M4); renewed in the
        # grace window, it is reinstated until 15 February and billing invoices the renewal.
        platform.move_to(datetime(year + 1, 1, 6, 8, tzinfo=UTC))
        ok(await membership.post("/lapses/run", json={}, headers=staff))
        await wait_until(lambda: state_is("lapsed"), within=30, interval=0.3)
        renewed = await membership.post(
            "/applications",
            json={"siren": siren, "year": year + 1, "plan": "premium"},
            headers=member,
        )
        assert ok(renewed, 201)["kind"] == "renewal"
        await wait_until(lambda: state_is("active"), within=30, interval=0.3)
        await wait_until(lambda: invoiced("membership_renewal"), within=30, interval=0.3)
        [renewal] = await invoiced("membership_renewal")

        # Two auditorium dates within the grace, once booking has folded the reinstatement.
        policy = {
            "room_credits": 5,
            "auditorium_price": "250.00",
            "studio_slots_per_participant": 3,
            "pattern_weeks": 3,
        }
        ok(await booking.put(f"/policies/{year + 1}", json=policy, headers=staff))
        auditorium = ok(
            await booking.post(
                "/resources",
                json={"name": f"Auditorium {siren}", "kind": "auditorium", "capacity": 200},
                headers=staff,
            ),
            201,
        )
        first_day = working_day(date(year + 1, 1, 12))
        days = [first_day, working_day(first_day + timedelta(days=7))]
        assert days[1] <= date(year + 1, 2, 15)
        booked: list[Any] = []

        async def book(day: date) -> bool:
            response = await booking.post(
                "/bookings",
                json={
                    "siren": siren,
                    "resource_id": auditorium["id"],
                    "date": day.isoformat(),
                    "starts_at": "09:00",
                    "ends_at": "17:00",
                    "purpose": PURPOSE,
                    "purpose_category": "employment",
                    "attendance": 120,
                    "parking_passes": 10,
                },
                headers=member,
            )
            if response.status_code == 422 and response.json()["code"] == "B3":
                return False  # the reinstatement is still on its way to booking
            booked.append(ok(response, 201))
            return True

        for day in days:
            await wait_until(lambda day=day: book(day), within=30, interval=0.3)
        assert [Decimal(str(b["amount"])) for b in booked] == [Decimal("250.00")] * 2

        # B3, F1: one invoice of one line per date, 500 € in all.
        await wait_until(lambda: invoiced("auditorium", 2), within=30, interval=0.3)
        dates = await invoiced("auditorium", 2)
        assert len(dates) == 2
        assert sum(Decimal(i["total"]) for i in dates) == Decimal("500.00")
        for invoice in dates:
            detail = ok(await billing.get(f"/invoices/{invoice['id']}", headers=finance))
            [line] = detail["lines"]
            assert (line["quantity"], Decimal(line["unit_price"])) == (1, Decimal("250.00"))
        invoice_of = {i["subject_id"]: i for i in dates}

        # The member cancels the first date before its day: a credit note of 250 € (B3).
        cancelled = ok(await booking.post(f"/bookings/{booked[0]['id']}/cancel", headers=member))
        assert cancelled["status"] == "cancelled"

        async def credited(n: int) -> bool:
            return len(await credit_notes_of(billing, platform, siren)) >= n

        await wait_until(lambda: credited(1), within=30, interval=0.3)
        [note] = await credit_notes_of(billing, platform, siren)
        assert note["invoice_id"] == invoice_of[booked[0]["id"]]["id"]
        assert Decimal(note["amount"]) == Decimal("250.00")

        # Finance cancels the unpaid renewal: it is withdrawn, the status it kept ends
        # (MembershipLapsed, withdrawn), booking cancels the other date (B9), billing credits it.
        ok(
            await billing.post(
                f"/invoices/{renewal['id']}/credit-notes",
                json={"reason": "Renouvellement retiré par la structure"},
                headers=finance,
            ),
            201,
        )

        async def lapsed_booking() -> bool:
            found = ok(await booking.get(f"/bookings/{booked[1]['id']}", headers=member))
            return bool(found["status"] == "cancelled")

        await wait_until(lapsed_booking, within=30, interval=0.3)
        second = ok(await booking.get(f"/bookings/{booked[1]['id']}", headers=member))
        assert second["cancel_reason"] == "membership_lapsed"
        await wait_until(lambda: credited(3), within=30, interval=0.3)
        notes = {n["invoice_id"]: n for n in await credit_notes_of(billing, platform, siren)}
        assert Decimal(notes[invoice_of[booked[1]["id"]]["id"]]["amount"]) == Decimal("250.00")
        assert notes[renewal["id"]]["cancels_invoice"] is True
        assert await state_is("lapsed")

        # F6: the books agree with membership and booking for this structure.
        report = ok(
            await billing.get(
                "/reconciliation",
                params={"from": f"{year}-01-01", "to": f"{year + 1}-12-31"},
                headers=finance,
            )
        )
        assert [m for m in report["mismatches"] if m["siren"] == siren] == []
