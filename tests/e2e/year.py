"""The agency's year, first half: the catalogue, twelve applications, the board, the dues paid
(by hand and from a bank statement), pre-registrations under the T rules, bookings, a late
withdrawal, attendance, an upgrade. The second half (the renewal campaign, the grace, the
lapses) is :mod:`tests.e2e.year_end`; :data:`YEAR_STEPS` runs both.

Each step acts over HTTP as one of the agency's people would, checks the answer it gets at
once, and waits (polling an API) for the effects of the events it caused that a later step
relies on. The fault suite replays the same steps, striking between them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from shared.testing.agency import Movement
from shared.testing.agency.acts import (
    Session,
    add_actions,
    add_resources,
    add_sessions,
    apply,
    attendance,
    book,
    enrol,
    register,
    run_finance_jobs,
    set_terms,
    withdraw,
)
from tests.e2e.agency import NEXT, TEXT, YEAR, Agency, Steps

year = Steps()
D = Decimal

ROOMS = {
    "garonne": ("Salle Garonne", "meeting_room", 12),
    "dordogne": ("Salle Dordogne", "meeting_room", 8),
}
AUDITORIUM = ("Auditorium Vincent Merle", "auditorium", 200)
PESSAC, PAU = ("Pessac, Centre Vincent Merle", "33"), ("Pau, Maison de l'emploi", "64")
LIMOGES = ("Limoges", "87")
# label: action, starts_on, days, capacity, registration opens on, place (None: remote)
SESSIONS: dict[str, Session] = {
    "S1": ("A1", date(YEAR, 3, 11), 1, 3, date(YEAR, 1, 13), PESSAC),
    "S5": ("A1", date(YEAR, 2, 13), 1, 6, date(YEAR, 1, 13), PESSAC),
    "S2": ("A2", date(YEAR, 4, 8), 2, 4, date(YEAR, 1, 13), PESSAC),
    "S3": ("A3", date(YEAR, 3, 20), 1, 10, date(YEAR, 1, 13), None),
    "S4": ("A4", date(YEAR, 5, 15), 1, 5, date(YEAR, 1, 13), PAU),
    "S6": ("A5", date(YEAR, 6, 10), 1, 6, date(YEAR, 1, 13), PAU),
    "S7": ("A6", date(NEXT, 2, 3), 1, 2, date(YEAR, 12, 1), LIMOGES),
}
ACTIONS = {
    "A1": ("training", "Accueillir tous les publics", 1),
    "A2": ("training", "Conduire un entretien d'orientation", 2),
    "A3": ("self_training", "Parcours numérique de l'orientation", None),
    "A4": ("innovation_lab", "Lab : l'intelligence artificielle et l'orientation", None),
    "A5": ("training", "Orienter les adultes en reconversion", 1),
    "A6": ("training", "Les métiers de demain en Nouvelle-Aquitaine", 1),
}


# -- January: the catalogue and the applications ------------------------------------------------


@year
async def opening(a: Agency) -> None:
    await a.at(date(YEAR, 1, 13))
    for y in (YEAR, NEXT):
        dues = {"simple": "100.00", "premium": "150.00", "upgrade": "50.00"}
        terms = {
            "room_credits": 5,
            "auditorium_price": "250.00",
            "studio_slots_per_participant": 3,
            "pattern_weeks": 3,
        }
        # T3's limits are a yearly setting: this year 3 counted actions, of which 2 trainings.
        limits = {"max_actions": 3, "max_trainings": 2} if y == YEAR else None
        await set_terms(a, y, dues, terms, limits)
    await add_resources(a, {**ROOMS, "auditorium": AUDITORIUM})
    await add_actions(a, ACTIONS)
    await add_sessions(a, SESSIONS)


@year
async def applications(a: Agency) -> None:
    texts = {"structure": TEXT, "activity": TEXT, "motivations": TEXT}
    for label in a.structures:
        await register(a, label)
        applied = await apply(a, label, YEAR, texts)
        assert (applied["kind"], applied["status"]) == ("new", "pending_review"), applied


@year
async def board(a: Agency) -> None:
    await a.at(date(YEAR, 1, 14))
    pending = await a.call("membership", "GET", "/applications", a.board)
    assert pending["total"] == 12, pending
    for label in a.structures:
        path = f"/applications/{a.ids[f'application:{label}']}"
        if label == "s09":
            reason = {"reason": "L'activité décrite ne relève pas de l'orientation."}
            await a.call("membership", "POST", f"{path}/reject", a.board, json=reason)
        else:
            await a.call("membership", "POST", f"{path}/approve", a.board)
    for label, s in a.structures.items():
        if label != "s09":  # M5, F1: the approval is invoiced, at the plan's dues
            invoice = await a.invoice(label, "membership_new", YEAR)
            assert D(invoice["total"]) == D("150.00" if s.plan == "premium" else "100.00")


@year
async def dues(a: Agency) -> None:
    await a.at(date(YEAR, 1, 20))
    invoices = {
        label: await a.invoice(label, "membership_new", YEAR)
        for label in a.structures
        if label != "s09"
    }
    assert (await a.pay("s01", invoices["s01"]))["status"] == "matched"
    await a.pay("s05", invoices["s05"], method="cheque")
    await a.pay("s06", invoices["s06"], "160.00")  # F4: the overpayment is kept
    await a.pay("s04", invoices["s04"], "40.00")  # F4: a partial payment
    named = ("s02", "s03", "s08", "s11", "s12")
    report = await a.import_statement(
        [
            Movement(
                D(invoices[x]["total"]),
                "VIR SEPA RECU",
                f"COTISATION {invoices[x]['number']}",
                f"STRUCTURE {x.upper()}",
            )
            for x in named
        ]
        + [
            Movement(D("-3.20"), "FRAIS TENUE DE COMPTE"),
            Movement(D("100.00"), "VIR SEPA RECU", "ADHESION 2031 ASSOCIATION", "STRUCTURE S07"),
        ]
    )
    assert report["recorded"] == 6, report
    assert len(report["matched"]) == 5, report
    [unmatched] = report["unmatched"]  # F4: no invoice named: it waits for finance
    await a.call(
        "billing",
        "POST",
        f"/payments/{unmatched['payment_id']}/allocations",
        a.finance,
        json={"invoice_number": invoices["s07"]["number"]},
    )
    assert (await a.invoice("s04", "membership_new", YEAR))["status"] == "partly_paid"
    paid = [x for x in a.structures if x not in ("s04", "s09", "s10")]
    for label in paid:  # M5, F5: the payment confirms the membership
        await a.until_membership(label, YEAR, "active")
    for label in paid:  # ...and training and booking grant its rights
        await a.until_rights(label, date(YEAR, 2, 3), member=True, plan=a.structures[label].plan)


@year
async def rest_of_dues(a: Agency) -> None:
    await a.at(date(YEAR, 2, 3))
    await a.pay("s04", await a.invoice("s04", "membership_new", YEAR), "60.00", tag="-2")
    s12 = a.structures["s12"]
    await a.call(
        "membership",
        "POST",
        f"/structures/{s12.siren}/beneficiaries",
        a.member("s12"),
        expect=201,
        json={
            "siret": s12.establishment(2),
            "name": "Antenne de Mérignac",
            "postal_code": "33700",
            "city": "Mérignac",
            "insee_code": "33281",
        },
    )
    await a.until_membership("s04", YEAR, "active")
    await a.until_rights("s04", date(YEAR, 2, 3), member=True, plan="simple")


# -- February to June: places, bookings, attendance ---------------------------------------------


@year
async def pre_registrations(a: Agency) -> None:
    await enrol(a, "S1", "s01-a", outcome="confirmed")
    await enrol(a, "S1", "s01-b", outcome="confirmed")
    await enrol(a, "S1", "s01-c", outcome="waiting", position=1)  # T4: two per structure
    await enrol(a, "S1", "s02-a", outcome="confirmed")
    await enrol(a, "S1", "s12-a", nic=2, outcome="waiting", position=2)  # T5: full; M7
    await enrol(a, "S1", "s09-a", refused=(422, "T2"))  # rejected by the board
    await enrol(a, "S1", "s10-a", refused=(422, "T2"))  # approved, never paid
    await enrol(a, "S5", "s06-a", refused=(422, "T6"))  # closes 15 days before
    await enrol(a, "S5", "s06-a", staff=True, outcome="confirmed")  # staff still may
    await enrol(a, "S5", "s01-a", staff=True, refused=(409, "T10"))  # one session an action
    await enrol(a, "S2", "s01-a", outcome="confirmed")
    for person in ("s01-a", "s03-a", "s07-a"):
        await enrol(a, "S3", person, outcome="confirmed")
    for person in ("s01-a", "s11-a", "s05-a"):
        await enrol(a, "S4", person, outcome="confirmed")  # innovation_lab: never counted
    await enrol(a, "S6", "s01-a", refused=(422, "T3"))  # 3 counted actions, 2 trainings
    # T7 in time, T5: the place goes to the first entry T4 lets through
    await withdraw(a, "S1/s02-a", reason="withdrawn_in_time", promoted=["S1/s12-a"])


@year
async def bookings(a: Agency) -> None:
    day = date(YEAR, 2, 12)
    assert (await book(a, "s01", "garonne", day))["credits_left"] == 4
    await book(a, "s06", "garonne", day, ("10:00", "11:00"), refused=(409, "B5"))
    await book(a, "s06", "dordogne", day, ("10:00", "11:00"))
    await book(a, "s03", "dordogne", date(YEAR, 2, 13), refused=(422, "B2"))  # simple plan
    await book(a, "s01", "garonne", date(YEAR, 2, 19), refused=(422, "B4"), category="paid_event")
    rented = await book(a, "s01", "auditorium", date(YEAR, 6, 12), ("09:00", "17:00"))
    assert D(rented["amount"]) == D("250.00")
    await book(a, "s11", "auditorium", date(YEAR, 5, 14), ("14:00", "17:00"))
    key = f"booking:s11:auditorium:{date(YEAR, 5, 14)}"
    cancelled = await a.call("booking", "POST", f"/bookings/{a.ids[key]}/cancel", a.member("s11"))
    assert cancelled["credit_returned"] is True, cancelled
    assert D((await a.invoice("s01", "auditorium", YEAR))["total"]) == D("250.00")  # B3, F1

    async def credited() -> bool:  # B3: cancelled before its day, the date is credited
        return (await a.invoice("s11", "auditorium", YEAR))["status"] == "cancelled"

    await a.until("s11: auditorium date credited", credited)


@year
async def spring(a: Agency) -> None:
    await a.at(date(YEAR, 3, 5))
    await run_finance_jobs(a)  # s10's dues: overdue, first reminder
    # T7: 6 days before the start, late: still counted; T4 now lets s01-c through
    await withdraw(a, "S1/s01-b", reason="withdrawn_late", promoted=["S1/s01-c"])
    cancelled = await a.call(
        "training",
        "POST",
        f"/sessions/{a.ids['session:S4']}/cancel",
        a.staff,
        json={"reason": "Intervenant indisponible"},
    )
    assert len(cancelled["cancelled_enrollments"]) == 3  # T8
    rented = await a.invoice("s01", "auditorium", YEAR)
    await a.import_statement([Movement(D("250.00"), "VIR SEPA RECU", rented["number"])])

    async def paid() -> bool:
        return (await a.invoice("s01", "auditorium", YEAR))["status"] == "paid"

    await a.until("s01: auditorium invoice paid", paid)


@year
async def attendance_of_march(a: Agency) -> None:
    await a.at(date(YEAR, 3, 12))
    await attendance(
        a, "S1", {"s01-a": "present", "s12-a": "absent_justified", "s01-c": "absent_unjustified"}
    )
    await attendance(a, "S5", {"s06-a": "present"})


@year
async def summer(a: Agency) -> None:
    await a.at(date(YEAR, 6, 3))
    await attendance(
        a, "S3", {"s01-a": "present", "s03-a": "present", "s07-a": "absent_unjustified"}
    )
    await attendance(a, "S2", {"s01-a": "present"})
    await run_finance_jobs(a)  # s10: the formal notice
    s03 = a.structures["s03"]
    upgrade = await a.call(
        "membership",
        "POST",
        f"/structures/{s03.siren}/upgrade",
        a.member("s03"),
        json={"plan": "premium"},
        expect=201,
    )
    assert D(upgrade["amount"]) == D("50.00")  # M10: the difference
    await a.pay("s03", await a.invoice("s03", "plan_upgrade", YEAR))
    await a.until_rights("s03", date(YEAR, 6, 5), member=True, plan="premium")
    await book(a, "s03", "dordogne", date(YEAR, 6, 5), ("10:00", "12:00"))


def all_steps() -> Steps:
    from tests.e2e.year_end import year_end

    return Steps(year.steps + year_end.steps)
