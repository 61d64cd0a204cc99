"""The agency's year, second half: the renewal campaign in December (M6, M8), renewals paid in
December and in the grace, bookings and places of the next year taken in the grace (M4, T2, B2),
the lapses of 1 January, a late renewal reinstating a member, a renewal withdrawn (its member
lapses at once: T9, B9, B3), the lapse of 16 February (M4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from shared.testing.agency import Movement
from shared.testing.agency.acts import attendance, book, enrol, run_finance_jobs
from tests.e2e.agency import NEXT, YEAR, Agency, Steps

year_end = Steps()
D = Decimal
#: Plans of the renewals for next year (s04 and s05 do not renew in December).
RENEWALS = {
    "s01": "premium",
    "s02": "simple",
    "s03": "simple",
    "s06": "premium",
    "s07": "simple",
    "s08": "premium",
    "s11": "premium",
    "s12": "simple",
}


async def lapse_run(a: Agency) -> list[tuple[str, str, str]]:
    """Staff's lapse run for today (what the hourly scheduler does)."""
    run = await a.call("membership", "POST", "/lapses/run", a.staff, json={})
    return sorted(
        (a.by_siren[x["siren"]].label, x["lapsed_on"], x["reason"]) for x in run["lapsed"]
    )


@year_end
async def campaign(a: Agency) -> None:
    await a.at(date(YEAR, 12, 1))
    await run_finance_jobs(a)
    run = await a.call("membership", "POST", f"/campaigns/{NEXT}", a.staff)
    assert run["calls_total"] == 10, run  # M8: one call per member of the year
    calls = await a.call("membership", "GET", f"/campaigns/{NEXT}/calls", a.staff)
    members = {x for x in a.structures if x not in ("s09", "s10")}
    assert {a.by_siren[c["siren"]].label for c in calls} == members
    for label, plan in RENEWALS.items():
        siren = a.structures[label].siren
        renewal = await a.call(
            "membership",
            "POST",
            "/applications",
            a.member(label),
            json={"siren": siren, "year": NEXT, "plan": plan},
            expect=201,
        )
        assert (renewal["kind"], renewal["status"]) == ("renewal", "processed"), renewal  # M6
    report = await a.call("membership", "GET", f"/reports/renewals/{NEXT}", a.board)
    assert report["count"] == len(RENEWALS), report
    invoices = {x: await a.invoice(x, "membership_renewal", NEXT) for x in RENEWALS}
    await a.import_statement(
        [
            Movement(
                D(invoices[x]["total"]), "VIR SEPA RECU", f"RENOUVELLEMENT {invoices[x]['number']}"
            )
            for x in ("s01", "s12")
        ]
    )
    for label in ("s06", "s11"):
        await a.pay(label, invoices[label])
    for label in ("s01", "s06", "s11", "s12"):
        await a.until_membership(label, NEXT, "active")
    # M4: a renewal under way keeps member status until 15 February: training and booking
    # grant January's and early February's dates to those not paid yet.
    for label in ("s02", "s03", "s07", "s08"):
        await a.until_rights(label, date(NEXT, 1, 20), member=True)


@year_end
async def next_year_in_december(a: Agency) -> None:
    await enrol(a, "S7", "s08-a", outcome="confirmed")  # in the grace on the session's day
    await enrol(a, "S7", "s11-a", outcome="confirmed")
    await enrol(a, "S7", "s06-a", outcome="waiting", position=1)
    await book(a, "s08", "garonne", date(NEXT, 1, 21))
    await book(a, "s08", "auditorium", date(NEXT, 1, 28), ("09:00", "17:00"))
    await book(a, "s01", "garonne", date(NEXT, 1, 14))
    await a.invoice("s08", "auditorium", NEXT)


@year_end
async def new_year(a: Agency) -> None:
    await a.at(date(NEXT, 1, 5))
    assert await lapse_run(a) == [  # M4: not renewed, lapsed on 1 January
        ("s04", f"{NEXT}-01-01", "not_renewed"),
        ("s05", f"{NEXT}-01-01", "not_renewed"),
    ]
    await run_finance_jobs(a)
    for label in ("s04", "s05"):
        await a.until_rights(label, date(NEXT, 1, 5), member=False)
    s04 = a.structures["s04"]
    late = await a.call(
        "membership",
        "POST",
        "/applications",
        a.member("s04"),
        json={"siren": s04.siren, "year": NEXT, "plan": "simple"},
        expect=201,
    )
    assert late["kind"] == "renewal", late  # M4: renewed in the grace window: reinstated
    await a.until_rights("s04", date(NEXT, 1, 20), member=True)
    # s08 gives up its renewal: finance cancels the invoice; its member status ends today.
    unpaid = await a.invoice("s08", "membership_renewal", NEXT)
    note = await a.call(
        "billing",
        "POST",
        f"/invoices/{unpaid['number']}/credit-notes",
        a.finance,
        json={"reason": "Renoncement au renouvellement"},
        expect=201,
    )
    assert note["cancels_invoice"] is True, note
    await a.until_membership("s08", NEXT, "withdrawn")
    await a.until_membership("s08", YEAR, "lapsed")
    await a.until_rights("s08", date(NEXT, 1, 20), member=False)

    async def place_freed() -> bool:  # T9, then T5: the waiting entry takes the place
        roster = await a.call("training", "GET", f"/sessions/{a.ids['session:S7']}/roster", a.staff)
        return {e["email"].partition("@")[0] for e in roster["places"]} == {"s11-a", "s06-a"}

    await a.until("S7: s08's place cancelled, s06-a promoted", place_freed)

    async def bookings_cancelled() -> bool:  # B9
        page = await a.call(
            "booking",
            "GET",
            "/bookings",
            a.staff,
            params={"siren": a.structures["s08"].siren, "limit": 100},
        )
        of_next_year = [b for b in page["items"] if b["date"] >= f"{NEXT}"]
        return len(of_next_year) == 2 and all(b["status"] == "cancelled" for b in of_next_year)

    await a.until("s08: next year's bookings cancelled", bookings_cancelled)

    async def credited() -> bool:  # B3: the cancelled auditorium date is credited
        return (await a.invoice("s08", "auditorium", NEXT))["status"] == "cancelled"

    await a.until("s08: auditorium date credited", credited)
    await a.pay("s02", await a.invoice("s02", "membership_renewal", NEXT))
    s07 = await a.invoice("s07", "membership_renewal", NEXT)
    await a.import_statement([Movement(D(s07["total"]), "VIR SEPA RECU", s07["number"])])
    for label in ("s02", "s07"):
        await a.until_membership(label, NEXT, "active")


@year_end
async def end_of_grace(a: Agency) -> None:
    await a.at(date(NEXT, 2, 2))
    await a.pay("s04", await a.invoice("s04", "membership_renewal", NEXT))
    await a.until_membership("s04", NEXT, "active")


@year_end
async def lapse_day(a: Agency) -> None:
    await a.at(date(NEXT, 2, 16))
    # M4: renewed but unpaid on 16 February
    assert await lapse_run(a) == [("s03", f"{NEXT}-02-16", "renewal_unpaid")]
    await run_finance_jobs(a)
    await a.until_rights("s03", date(NEXT, 2, 16), member=False)
    await attendance(a, "S7", {"s11-a": "present", "s06-a": "present"})
