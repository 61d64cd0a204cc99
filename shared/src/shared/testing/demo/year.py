"""The demo's year on a running platform, over HTTP only, the platform clock moved from January
to December: the catalogue and the rooms, a few hundred structures applying, the board's
decisions, the dues paid (by hand, from a CFONB statement, in part, never), pre-registrations
with waiting lists, room and auditorium bookings, withdrawals, a cancelled session, upgrades,
attendance, the finance jobs, and the renewal campaign for the next year.

Run again on the same platform, it keeps the catalogue and the rooms it finds and adds as many
new structures (the next ones of its seed's stream), living the same year with them; whatever a
rule refuses (a slot taken by the run before, a session full or cancelled) is counted, not
fatal. Each step waits, polling the APIs, for the effects of the events it caused that a later
step relies on.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from shared.testing.agency import Agency, Endpoints, Json, Movement, Steps
from shared.testing.agency.acts import (
    add_actions,
    add_resources,
    add_sessions,
    apply,
    register,
    set_terms,
)
from shared.testing.demo import catalogue, names

T = TypeVar("T")
TEXTS = {
    "structure": "Association d'accompagnement vers l'emploi et la formation, implantée en "
    "Nouvelle-Aquitaine, qui reçoit chaque année plusieurs centaines de personnes.",
    "activity": "Accueil, information et orientation des jeunes et des adultes ; ateliers de "
    "découverte des métiers ; accompagnement des projets de formation et de reconversion.",
    "motivations": "Professionnaliser nos conseillers grâce aux actions ParcoursPro et réunir "
    "nos partenaires du territoire au Centre Vincent Merle.",
}
PURPOSES = (
    ("guidance", "Comité technique du réseau des conseillers en orientation"),
    ("employment", "Forum de recrutement des métiers du soin et de l'aide à domicile"),
    ("training", "Journée d'échanges de pratiques des référents parcours"),
    ("guidance", "Réunion des partenaires du service public régional de l'orientation"),
)
SLOTS = (("09:00", "12:00"), ("14:00", "17:00"), ("10:00", "12:00"), ("13:30", "16:30"))


class DemoAgency(Agency):
    """The agency living the demo year: ``count`` new structures drawn from ``seed``."""

    def __init__(
        self, platform: Endpoints, clock_file: Path, *, year: int, count: int, seed: int
    ) -> None:
        super().__init__(platform, clock_file, {}, today=date(year, 1, 1), within=120.0)
        self.year, self.count, self.seed = year, count, seed
        self.rng = random.Random(seed * 7919 + year)
        self.holidays: set[date] = set()
        self.sessions: dict[str, tuple[date, str]] = {}  # label: first day, action
        self.new: list[str] = []
        self.members: list[str] = []  # paid in full in January
        self.partly_paid: list[str] = []
        self.dues: dict[str, Json] = {}  # the January dues invoices
        self.confirmed: set[str] = set()  # "S01/<siren>-a": a place confirmed on request
        self.booked: list[tuple[str, str]] = []  # (label, booking id)
        self.auditorium: list[tuple[str, str]] = []
        #: What the year did, by what: ``structures added``, ``enrolments waiting``...
        self.report: Counter[str] = Counter()

    async def each(self, items: Iterable[T], act: Callable[[T], Awaitable[Any]]) -> list[Any]:
        """``act`` on every item, a few at a time (as several people at their desks)."""
        gate = asyncio.Semaphore(6)

        async def one(item: T) -> Any:
            async with gate:
                return await act(item)

        return list(await asyncio.gather(*(one(x) for x in items)))

    def share(self, labels: list[str], ratio: float, at_least: int = 1) -> list[str]:
        """About ``ratio`` of ``labels`` (at least ``at_least`` of a non-empty list)."""
        return labels[: min(len(labels), max(at_least, round(len(labels) * ratio)))]

    async def issued(self, kind: str, year: int, labels: list[str]) -> dict[str, Json]:
        """Billing's invoices of ``kind`` for ``year`` of ``labels``, once all are issued."""
        wanted = {self.structures[x].siren for x in labels}
        found: dict[str, Json] = {}

        async def all_issued() -> bool:
            params = {"kind": kind, "year": year}
            invoices = await self.pages("billing", "/invoices", self.finance, **params)
            found.update({i["siren"]: i for i in invoices if i["siren"] in wanted})
            return wanted <= found.keys()

        await self.until(f"{len(wanted)} {kind} invoices of {year}", all_issued)
        return {self.by_siren[s].label: found[s] for s in wanted}

    async def rented(self, bookings: list[tuple[str, str]]) -> list[tuple[str, Json]]:
        """Billing's invoices of these auditorium bookings (B3: one per date), once issued."""
        wanted = {booking for _, booking in bookings}
        found: dict[str, Json] = {}

        async def all_issued() -> bool:
            params = {"kind": "auditorium", "year": self.year}
            invoices = await self.pages("billing", "/invoices", self.finance, **params)
            found.update({i["subject_id"]: i for i in invoices if i["subject_id"] in wanted})
            return wanted <= found.keys()

        await self.until(f"{len(wanted)} auditorium invoices", all_issued)
        return [(label, found[booking]) for label, booking in bookings]

    async def active(self, year: int, labels: list[str]) -> None:
        """Membership, then training and booking, know ``labels`` as members of ``year``."""
        wanted = {self.structures[x].siren for x in labels}

        async def activated() -> bool:
            params = {"year": year, "status": "active"}
            active = await self.pages("membership", "/memberships", self.staff, **params)
            return wanted <= {m["siren"] for m in active}

        await self.until(f"{len(wanted)} memberships of {year} active", activated)
        day = max(self.today, date(year, 1, 1))
        plans = {x: self.structures[x].plan for x in labels}
        await self.each(labels, lambda x: self.until_rights(x, day, member=True, plan=plans[x]))

    async def statement(self, movements: list[Movement]) -> Json:
        """Finance imports a statement, its entries numbered after every payment recorded."""
        recorded = await self.call("billing", "GET", "/payments", self.finance, params={"limit": 1})
        return await self.import_statement(movements, first_entry=recorded["total"] + 1)

    def transfer(self, label: str, invoice: Json, amount: str | None = None) -> Movement:
        s = self.structures[label]
        text = f"COTISATION {invoice['number']}" if invoice["kind"] != "auditorium" else ""
        return Movement(
            Decimal(amount or invoice["total"]),
            "VIR SEPA RECU",
            text or f"LOCATION AUDITORIUM {invoice['number']}",
            names.plain(s.legal_name).upper(),
        )


demo: Steps[DemoAgency] = Steps()


@demo
async def opening(a: DemoAgency) -> None:
    """January: the year's terms, the rooms, the catalogue (kept if there already)."""
    await a.at(date(a.year, 1, 12))
    for y in (a.year, a.year + 1):
        holidays = await a.call("booking", "GET", f"/calendar/holidays/{y}", a.staff)
        a.holidays |= {date.fromisoformat(h["date"]) for h in holidays}
        await set_terms(a, y, catalogue.DUES, catalogue.BOOKING_TERMS, catalogue.TRAINING_LIMITS)
    await add_resources(a, catalogue.RESOURCES)
    await add_actions(a, catalogue.ACTIONS)
    planned = catalogue.sessions(a.year, a.holidays)
    await add_sessions(a, planned)
    a.sessions = {label: (s[1], s[0]) for label, s in planned.items()}


@demo
async def applications(a: DemoAgency) -> None:
    """The structures register and apply (M1, M5); those of a run before are kept."""
    await a.at(date(a.year, 1, 13))
    registered = await a.pages("membership", "/structures", a.staff)
    a.report["structures found"] = len(registered)
    stream = names.structures(
        a.seed, {s["siren"] for s in registered}, {s["legal_name"] for s in registered}
    )
    drawn = [next(stream) for _ in range(a.count)]
    if drawn and all(s.plan == "simple" for s in drawn):
        drawn[0] = replace(drawn[0], plan="premium")
    for s in drawn:
        a.enlist(s)
        a.new.append(s.label)

    async def join(label: str) -> None:
        await register(a, label)
        await apply(a, label, a.year, TEXTS)

    await a.each(a.new, join)
    a.report["structures added"] = len(a.new)


@demo
async def board(a: DemoAgency) -> None:
    """The board approves the applications but a few; billing invoices the dues (F1)."""
    await a.at(date(a.year, 1, 15))
    simple_first = sorted(a.new, key=lambda x: (a.structures[x].plan != "simple", a.rng.random()))
    rejected = set(a.share(simple_first, 0.03)) if len(a.new) >= 10 else set()
    reason = {"reason": "L'activité décrite ne relève pas de l'orientation professionnelle."}

    async def decide(label: str) -> None:
        path = f"/applications/{a.ids[f'application:{label}']}"
        if label in rejected:
            await a.call("membership", "POST", f"{path}/reject", a.board, json=reason)
        else:
            await a.call("membership", "POST", f"{path}/approve", a.board)

    await a.each(a.new, decide)
    approved = [x for x in a.new if x not in rejected]
    a.report["applications rejected"] = len(rejected)
    a.dues = await a.issued("membership_new", a.year, approved)


@demo
async def dues(a: DemoAgency) -> None:
    """Finance records the dues (F4): by hand, from a bank statement, in part, or never."""
    await a.at(date(a.year, 1, 22))
    order = sorted(a.dues, key=lambda x: (a.structures[x].plan != "simple", a.rng.random()))
    unpaid = a.share(order, 0.08) if len(order) >= 5 else []
    a.partly_paid = a.share(order[len(unpaid) :], 0.05) if len(order) >= 8 else []
    rest = [x for x in order[len(unpaid) + len(a.partly_paid) :]]
    a.rng.shuffle(rest)
    by_statement = rest[: len(rest) * 3 // 10]
    by_hand = rest[len(by_statement) :]
    methods = ("transfer",) * 7 + ("cheque",) * 2 + ("card",)
    await a.each(by_hand, lambda x: a.pay(x, a.dues[x], method=a.rng.choice(methods)))
    await a.each(a.partly_paid, lambda x: a.pay(x, a.dues[x], "40.00", tag="-1"))
    movements = [a.transfer(x, a.dues[x]) for x in by_statement]
    movements += [
        Movement(Decimal("-3.20"), "FRAIS TENUE DE COMPTE"),
        Movement(
            Decimal("100.00"), "VIR SEPA RECU", "ADHESION ASSOCIATION", "ASSOCIATION INCONNUE"
        ),
    ]
    report = await a.statement(movements)
    a.report["payments unmatched (waiting for finance)"] += len(report["unmatched"])
    a.members = by_hand + by_statement
    a.report["dues unpaid"] = len(unpaid)
    await a.active(a.year, a.members)


@demo
async def pre_registrations(a: DemoAgency) -> None:
    """Members' employees ask for places (T2-T6, T10): some confirmed, some waiting."""
    await a.at(date(a.year, 2, 2))
    open_ = [x for x, (day, _) in a.sessions.items() if day >= a.today + timedelta(days=16)]
    requests = []
    for label in a.members:
        count = a.rng.choice((1, 1, 1, 2, 2, 3))
        for person in names.employees(a.structures[label], count, a.rng):
            a.people[person.label] = person
            chosen: dict[str, str] = {}  # T10: one session an action
            for session in a.rng.sample(open_, min(len(open_), a.rng.choice((1, 2, 2)))):
                chosen.setdefault(a.sessions[session][1], session)
            requests += [(session, person.label) for session in chosen.values()]
    a.rng.shuffle(requests)

    async def enrol(request: tuple[str, str]) -> None:
        session, person = request
        who = a.people[person]
        path = f"/sessions/{a.ids[f'session:{session}']}/enrollments"
        member = a.member(person.partition("-")[0])
        answer = await a.call(
            "training", "POST", path, member, json=who.body(), expect=(201, 409, 422)
        )
        if "outcome" in answer:
            a.ids[f"{session}/{person}"] = answer["enrollment"]["id"]
            if answer["outcome"] == "confirmed":
                a.confirmed.add(f"{session}/{person}")
            a.report[f"enrolments {answer['outcome']}"] += 1
        else:
            a.report[f"enrolments refused ({answer['code']})"] += 1

    await a.each(requests, enrol)


async def _book(
    a: DemoAgency, label: str, resource: str, days: list[date], hours: tuple[str, str]
) -> str | None:
    """A member books ``resource`` on the first of ``days`` that the rules let it (B2-B8)."""
    category, purpose = a.rng.choice(PURPOSES)
    for day in days:
        body = {
            "siren": a.structures[label].siren,
            "resource_id": a.ids[f"resource:{resource}"],
            "date": day.isoformat(),
            "starts_at": hours[0],
            "ends_at": hours[1],
            "purpose": purpose,
            "purpose_category": category,
            "attendance": a.rng.randrange(3, catalogue.RESOURCES[resource][2] + 1),
        }
        answer = await a.call(
            "booking", "POST", "/bookings", a.member(label), json=body, expect=(201, 409, 422)
        )
        if "id" in answer:
            a.report["bookings" if resource != "auditorium" else "auditorium dates"] += 1
            return str(answer["id"])
        if answer["code"] not in ("B5", "B4"):  # taken, or the same slot weeks running
            a.report[f"bookings refused ({answer['code']})"] += 1
            return None
    return None


@demo
async def bookings(a: DemoAgency) -> None:
    """Premium members book meeting rooms (B2) and a few the auditorium (B3, billed)."""
    await a.at(date(a.year, 2, 9))
    days = catalogue.booking_days(a.year, a.holidays)
    premium = [x for x in a.members if a.structures[x].plan == "premium"]
    if not premium:
        return

    async def rooms(label: str) -> None:
        for _ in range(a.rng.choice((1, 2, 2, 3))):
            room = a.rng.choice(list(catalogue.ROOMS))
            tries = a.rng.sample(days, 6)
            booked = await _book(a, label, room, tries, a.rng.choice(SLOTS))
            if booked:
                a.booked.append((label, booked))

    await a.each(premium, rooms)
    # B3: a few dates of the auditorium, at least two (one is cancelled in the spring)
    for label in [a.rng.choice(premium) for _ in range(max(2, len(premium) // 10))]:
        booked = await _book(a, label, "auditorium", a.rng.sample(days, 6), ("09:00", "17:00"))
        if booked:
            a.auditorium.append((label, booked))
