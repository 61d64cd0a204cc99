"""The demo year from March: withdrawals and a cancelled session (T7, T8), a cancelled booking
and auditorium date (B2, B3), the rest of the dues and the auditorium paid, the finance jobs,
upgrades in June (M10), attendance recorded in December, and the renewal campaign for the next
year with its first renewals paid (M6, M8)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from shared.testing.agency import Steps
from shared.testing.agency.acts import run_finance_jobs
from shared.testing.demo.year import DemoAgency, demo

year_end: Steps[DemoAgency] = Steps()
#: The session the agency cancels (T8): a Lab in the spring.
CANCELLED_SESSION = "S12"
MARKS = ("present",) * 17 + ("absent_justified", "absent_justified", "absent_unjustified")


@year_end
async def spring(a: DemoAgency) -> None:
    await a.at(date(a.year, 3, 2))
    # T7: a withdrawal before the session starts (less than 10 days before: it still counts)
    confirmed = sorted(x for x in a.confirmed if a.sessions[x.partition("/")[0]][0] > a.today)
    a.rng.shuffle(confirmed)

    async def withdraw(key: str) -> None:
        label = key.partition("/")[2].partition("-")[0]
        path = f"/enrollments/{a.ids[key]}/withdraw"
        answer = await a.call("training", "POST", path, a.member(label), expect=(200, 409, 422))
        a.report[f"withdrawals ({answer.get('reason') or answer.get('code')})"] += 1

    await a.each(a.share(confirmed, 0.06), withdraw)
    session = await a.call(
        "training", "GET", f"/sessions/{a.ids[f'session:{CANCELLED_SESSION}']}", a.staff
    )
    if not session["cancelled"]:
        cancelled = await a.call(
            "training",
            "POST",
            f"/sessions/{session['id']}/cancel",
            a.staff,
            json={"reason": "Intervenant indisponible, session reportée à l'automne"},
        )
        a.report["places cancelled with their session"] = len(cancelled["cancelled_enrollments"])
    for kind, booked in (("booking", a.booked), ("auditorium date", a.auditorium)):
        if len(booked) >= 2:  # B2: the credit comes back; B3: a credit note
            label, booking = booked.pop()
            path = f"/bookings/{booking}/cancel"
            await a.call("booking", "POST", path, a.member(label))
            a.report[f"{kind}s cancelled"] += 1
    if a.auditorium:
        rented = await a.rented(a.auditorium)  # those not cancelled
        await a.statement([a.transfer(x, invoice) for x, invoice in rented])
    for label in a.partly_paid:  # F4: the rest of a partial payment
        invoice = a.dues[label]
        rest = str(Decimal(invoice["total"]) - Decimal("40.00"))
        await a.pay(label, invoice, rest, tag="-2")
    await run_finance_jobs(a)  # the unpaid dues: overdue, first reminder
    await a.active(a.year, a.partly_paid)
    a.members += a.partly_paid


@year_end
async def summer(a: DemoAgency) -> None:
    await a.at(date(a.year, 6, 2))
    simple = [x for x in a.members if a.structures[x].plan == "simple"]
    upgrading = a.share(simple, 0.12)
    for label in upgrading:  # M10: the difference, then premium rights from payment
        siren = a.structures[label].siren
        body = {"plan": "premium"}
        path = f"/structures/{siren}/upgrade"
        await a.call("membership", "POST", path, a.member(label), json=body, expect=201)
    for label, invoice in (await a.issued("plan_upgrade", a.year, upgrading)).items():
        await a.pay(label, invoice)
        a.enlist(replace(a.structures[label], plan="premium"))
    await a.active(a.year, upgrading)
    a.report["upgrades to premium"] = len(upgrading)
    await run_finance_jobs(a)


@year_end
async def autumn(a: DemoAgency) -> None:
    """December: staff record the attendance of every session of the year (T7)."""
    await a.at(date(a.year, 12, 1))
    held = [x for x, (day, _) in a.sessions.items() if day < a.today]

    async def mark(session: str) -> None:
        roster = await a.call(
            "training", "GET", f"/sessions/{a.ids[f'session:{session}']}/roster", a.staff
        )
        for place in roster["places"]:
            if place["attendance"] is None:
                mark = a.rng.choice(MARKS)
                path = f"/enrollments/{place['id']}/attendance"
                await a.call("training", "PUT", path, a.staff, json={"attendance": mark})
                a.report[f"attendance {mark}"] += 1

    await a.each(held, mark)
    await run_finance_jobs(a)


@year_end
async def campaign(a: DemoAgency) -> None:
    """M8: the call for dues of next year; most members renew (M6), half of them pay at once."""
    following = a.year + 1
    run = await a.call("membership", "POST", f"/campaigns/{following}", a.staff)
    a.report["calls for dues"] = run["calls_total"]
    members = list(a.members)
    a.rng.shuffle(members)
    renewing = a.share(members, 0.75)

    async def renew(label: str) -> None:
        s = a.structures[label]
        body = {"siren": s.siren, "year": following, "plan": s.plan}
        await a.call("membership", "POST", "/applications", a.member(label), json=body, expect=201)

    await a.each(renewing, renew)
    invoices = await a.issued("membership_renewal", following, renewing)
    paying = renewing[: len(renewing) // 2]
    if paying:
        await a.statement([a.transfer(x, invoices[x]) for x in paying])
        await a.active(following, paying)
    a.report["renewals"] = len(renewing)
    a.report["renewals paid in December"] = len(paying)


def all_steps() -> Steps[DemoAgency]:
    return Steps(demo.steps + year_end.steps)
