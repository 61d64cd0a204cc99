"""Room booking under load: bookings over HTTP against a bare baseline.

Members of 1,000 premium structures book the meeting rooms, the auditorium and the Lab Studio
of the Pessac site at once. The booking API (``booking.app:app``, uvicorn in a subprocess, as
``python -m booking api`` serves it) takes the requests at concurrency 32 from an httpx client,
on a fresh database whose member-rights projection is seeded directly. Most requests ask for a
free slot (a distinct resource, day and hour); a share (``--conflicts``, 10%) asks for part of
a slot another structure's request asked for a moment before, so that both are often in flight
together: exactly one of the two is booked, the other gets the 409 ``B5``. In the same
invocation, the bare baseline of :mod:`http_load` (one insert through uvicorn, SQLAlchemy async
and asyncpg) takes as many requests at the same concurrency. After the run, SQL checks that no
rule was broken: no two active bookings of a resource overlap (B5), no structure over its room
credits (B2), no participant over its studio slots (B6), one booking per slot asked for.

``make bench`` runs it after the enrollment rush; ``--help`` for the sizes. The last lines are
``RATIO booking_throughput <booking/bare>`` and ``RATIO booking_p99 <booking/bare>``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_against_bare import (
    add_load_arguments,
    api_server,
    compare_rounds,
    fresh_databases,
    grant_member_rights,
    numbered_siren,
    report,
)
from http_load import Call, bare_server, free_port

from booking.domain.opening import public_holiday, site_now
from booking.domain.policy import YearPolicy
from booking.domain.resources import ResourceKind
from booking.handlers import catalogue
from booking.service import SERVICE_DIR
from booking.unit_of_work import BookingUnitOfWork
from shared.auth import Role, mint_token
from shared.clock import SystemClock
from shared.db import create_engine, to_sync_url
from shared.settings import AuthSettings
from shared.testing.identifiers import siret_of

CONCURRENCY = 32
STRUCTURES = 1000
#: Every fifth structure is a training organisation (the Lab Studio's, B6).
TRAINING_EVERY = 5
ROOMS = 12
#: One-hour slots from 8:30 (the last ends at 17:30, within the default opening, B8).
SLOT_STARTS = [time(8 + (30 + 60 * i) // 60, (30 + 60 * i) % 60) for i in range(9)]
#: B2: the room credits of a year; a structure is given at most that many room requests.
ROOM_CREDITS = 5
#: B6: the studio slots of a participant per year.
STUDIO_SLOTS = 3
#: A conflicting request follows the one it conflicts with by 1 to this many places.
CONFLICT_DISTANCE = 48
PURPOSE = "Atelier d'orientation pour des demandeurs d'emploi"


@dataclass(frozen=True)
class Resource:
    id: uuid.UUID
    kind: ResourceKind
    name: str


def working_days(after: date, count: int) -> list[date]:
    """``count`` working days after ``after``: no weekend, no French public holiday (B8)."""
    days: list[date] = []
    day = after
    while len(days) < count:
        day += timedelta(days=1)
        if day.isoweekday() <= 5 and public_holiday(day) is None:
            days.append(day)
    return days


async def seed(url: str, sirens: list[str], years: list[int]) -> list[Resource]:
    """The projection (a premium membership per structure and year, every fifth a training
    organisation), the resources, and the terms of every year the bookings fall in."""
    engine = create_engine(url)
    try:
        async with BookingUnitOfWork(engine, SystemClock()) as uow:
            for n, siren in enumerate(sirens):
                for year in years:
                    await grant_member_rights(
                        uow.driver,
                        siren,
                        year,
                        "premium",
                        training_organisation=n % TRAINING_EVERY == 0,
                    )
            for year in years:
                if await uow.policies.get(year) is None:
                    policy = YearPolicy(year, ROOM_CREDITS, Decimal("250.00"), STUDIO_SLOTS, 3)
                    await catalogue.put_policy(uow, policy, "bench")
            kinds = [ResourceKind.MEETING_ROOM] * ROOMS + [
                ResourceKind.AUDITORIUM,
                ResourceKind.LAB_STUDIO,
            ]
            resources = []
            for n, kind in enumerate(kinds):
                added = await catalogue.add_resource(
                    uow,
                    catalogue.NewResource(
                        name=f"{kind.value} {n + 1}",
                        kind=kind,
                        capacity=300 if kind is ResourceKind.AUDITORIUM else 20,
                        equipment=("vidéoprojecteur",),
                        requires_qualiopi=False,
                        description=None,
                    ),
                )
                resources.append(Resource(added.id, added.kind, added.name))
            await uow.commit()
        return resources
    finally:
        await engine.dispose()


@dataclass(frozen=True)
class Request:
    siren: str
    resource: Resource
    day: date
    starts_at: time
    ends_at: time
    participant: str | None
    #: The place of the request it conflicts with (B5), else None.
    conflicts_with: int | None = None


class Planner:
    """Who asks for what: free slots in order, structures in turn within their limits (B2 room
    credits, B6 studio slots, never the same resource and hour twice, so no weekly pattern,
    B4), and now and then a request for half of a slot asked for a moment before."""

    def __init__(self, sirens: list[str], resources: list[Resource], days: list[date]) -> None:
        self.sirens = sirens
        self.training = [s for n, s in enumerate(sirens) if n % TRAINING_EVERY == 0]
        self.slots = iter(
            (day, resource, start)
            for day in days
            for resource in resources
            for start in SLOT_STARTS
        )
        self.turn = 0
        self.rooms: Counter[str] = Counter()
        self.held: set[tuple[str, uuid.UUID, time]] = set()
        self.participants = 0

    def _structure(self, resource: Resource, start: time) -> str:
        pool = self.training if resource.kind is ResourceKind.LAB_STUDIO else self.sirens
        for _ in range(len(pool)):
            siren = pool[self.turn % len(pool)]
            self.turn += 1
            room = resource.kind is ResourceKind.MEETING_ROOM
            if (siren, resource.id, start) in self.held or (
                room and self.rooms[siren] >= ROOM_CREDITS
            ):
                continue
            self.held.add((siren, resource.id, start))
            if room:
                self.rooms[siren] += 1
            return siren
        raise SystemExit("not enough structures for this many requests: lower --count")

    def _participant(self, resource: Resource) -> str | None:
        if resource.kind is not ResourceKind.LAB_STUDIO:
            return None
        self.participants += 1
        return f"participant{self.participants // STUDIO_SLOTS}@bench.example.org"

    def free(self) -> Request:
        day, resource, start = next(self.slots)
        ends = (datetime.combine(day, start) + timedelta(hours=1)).time()
        siren = self._structure(resource, start)
        return Request(siren, resource, day, start, ends, self._participant(resource))

    def conflicting(self, place: int, of: Request) -> Request:
        ends = (datetime.combine(of.day, of.starts_at) + timedelta(minutes=30)).time()
        siren = self._structure(of.resource, of.starts_at)
        participant = self._participant(of.resource)
        return Request(siren, of.resource, of.day, of.starts_at, ends, participant, place)


def plan(total: int, share: float, planner: Planner, rng: random.Random) -> list[Request]:
    requests: list[Request] = []
    conflicted: set[int] = set()
    for i in range(total):
        j = i - rng.randint(1, CONFLICT_DISTANCE)
        wanted = j >= 0 and rng.random() < share
        if wanted and requests[j].conflicts_with is None and j not in conflicted:
            conflicted.add(j)
            requests.append(planner.conflicting(j, requests[j]))
        else:
            requests.append(planner.free())
    return requests


def calls_of(requests: list[Request], auth: AuthSettings) -> tuple[list[Call], list[Any]]:
    """The booking API's calls, and the bare baseline's bodies (a structure, an e-mail and a
    SIRET: as small a body as the booking's, validated by pydantic)."""
    tokens: dict[str, dict[str, str]] = {}
    calls, bodies = [], []
    for r in requests:
        if r.siren not in tokens:
            token = mint_token(auth, subject=r.siren, roles=[Role.MEMBER], siren=r.siren)
            tokens[r.siren] = {"Authorization": f"Bearer {token}"}
        body = {
            "siren": r.siren,
            "resource_id": str(r.resource.id),
            "date": r.day.isoformat(),
            "starts_at": r.starts_at.isoformat(timespec="minutes"),
            "ends_at": r.ends_at.isoformat(timespec="minutes"),
            "purpose": PURPOSE,
            "purpose_category": "guidance",
            "attendance": 8,
            "parking_passes": 1,
            **({"participant_email": r.participant} if r.participant else {}),
        }
        calls.append(Call("POST", "/bookings", body, tokens[r.siren]))
        bodies.append(
            {
                "first_name": "Réservation",
                "last_name": r.resource.name,
                "email": f"contact@{r.siren}.example.org",
                "siret": siret_of(r.siren),
            }
        )
    return calls, bodies


VIOLATIONS = {
    "B5 overlapping active bookings of a resource": """
        SELECT count(*) FROM bookings a JOIN bookings b ON a.resource_id = b.resource_id
        AND a.id < b.id AND a.during && b.during
        WHERE a.status = 'active' AND b.status = 'active'""",
    "B2 structures over their room credits": """
        SELECT count(*) FROM room_credits c
        JOIN booking_policies p ON p.year = c.year WHERE c.used > p.room_credits""",
    "B2 credit counters not matching the bookings": """
        SELECT count(*) FROM room_credits c FULL JOIN (
            SELECT siren, extract(year FROM booked_on)::int AS year, count(*) AS n FROM bookings
            WHERE status = 'active' AND resource_kind = 'meeting_room' GROUP BY 1, 2) b
        ON b.siren = c.siren AND b.year = c.year
        WHERE coalesce(c.used, 0) <> coalesce(b.n, 0)""",
    "B6 participants over their studio slots": """
        SELECT count(*) FROM studio_slots s
        JOIN booking_policies p ON p.year = s.year
        WHERE s.used > p.studio_slots_per_participant""",
}


async def check_rules(url: str) -> dict[str, int]:
    connection = await asyncpg.connect(to_sync_url(url))
    try:
        found = {rule: int(await connection.fetchval(sql)) for rule, sql in VIOLATIONS.items()}
        found["(bookings)"] = int(
            await connection.fetchval("SELECT count(*) FROM bookings WHERE status = 'active'")
        )
        return found
    finally:
        await connection.close()


async def orchestrate(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    auth = AuthSettings()
    sirens = [numbered_siren(i, 20_000_000) for i in range(STRUCTURES)]
    total = args.warmup + args.count * args.rounds
    resources_count = ROOMS + 2
    days = working_days(
        site_now(datetime.now(UTC)).date(),
        total // (resources_count * len(SLOT_STARTS)) + 2,
    )
    years = sorted({d.year for d in days})
    print(
        f"booking: {args.rounds} rounds of {args.count} bookings (after {args.warmup} warm-up) "
        f"at concurrency {CONCURRENCY}, {args.conflicts:.0%} asking for a slot just asked for "
        f"(B5); {resources_count} resources ({ROOMS} meeting rooms, the auditorium, the Lab "
        f"Studio), {STRUCTURES} premium structures, {len(days)} working days from {days[0]}; "
        f"booking API vs bare insert; {os.cpu_count()} CPU(s)",
        flush=True,
    )
    async with fresh_databases("booking", SERVICE_DIR) as (booking_db, bare_db):
        resources = await seed(booking_db, sirens, years)
        requests = plan(total, args.conflicts, Planner(sirens, resources, days), rng)
        calls, bodies = calls_of(requests, auth)
        booking = api_server("booking", booking_db, args.profile)
        bare = bare_server(bare_db, free_port())
        comparison = await compare_rounds("booking", booking, bare, calls, bodies, args)
        violations = await check_rules(booking_db)
    throughput, p99 = report(comparison)
    statuses = Counter(comparison.warmup.statuses)
    for result in comparison.measured:
        statuses.update(result.statuses)
    slots = sum(1 for r in requests if r.conflicts_with is None)
    conflicting = total - slots
    errors = (
        sum(r.server_errors for r in comparison.pooled().values()) + comparison.warmup.server_errors
    )
    unexpected = {s: n for s, n in statuses.items() if s not in (201, 409)}
    broken = {k: v for k, v in violations.items() if not k.startswith("(") and v}
    if not errors and (statuses[201] != slots or statuses[409] != conflicting):
        broken["one booking per slot asked for"] = abs(statuses[201] - slots)
    if violations["(bookings)"] != statuses[201]:
        broken["active bookings = 201 answers"] = abs(violations["(bookings)"] - statuses[201])
    print(
        f"bookings asked for {total} ({slots} slots, {conflicting} asking for a slot just asked "
        f"for): {statuses[201]} booked (201), {statuses[409]} refused B5 (409), other answers "
        f"{dict(unexpected) or 'none'}; active bookings written: {violations['(bookings)']}"
    )
    print(f"server errors: {errors}")
    for rule, n in violations.items():
        if not rule.startswith("("):
            print(f"violations {rule}: {n}")
    for rule, n in broken.items():
        if rule not in violations:
            print(f"violations {rule}: {n}")
    print(f"RATIO booking_throughput {throughput:.3f}")
    print(f"RATIO booking_p99 {p99:.3f}")
    return 0 if not broken and not errors and not unexpected else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    add_load_arguments(parser, "booking", seed=2026)
    parser.add_argument(
        "--conflicts", type=float, default=0.1, help="share of requests for a slot just asked for"
    )
    raise SystemExit(asyncio.run(orchestrate(parser.parse_args())))


if __name__ == "__main__":
    main()
