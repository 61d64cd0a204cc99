"""The agency's people over HTTP on a running platform: staff, the board, finance and members.

:class:`Agency` is what the year's steps (:mod:`tests.e2e.year`) act through: one client per
service, the tokens of each role, the platform clock (``DEV_CLOCK_FILE``: every process reads
the same offset, :class:`shared.clock.ShiftedClock`), and waits that poll an API until an event
has had its effect, with a deadline (never a sleep). The scenario's structures are fixed here,
with deterministic SIRENs, so that two runs of the year compare label by label.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
from stdnum import luhn

from shared.auth import Role
from shared.clock import set_shifted_clock
from shared.testing.helpers import wait_until
from tests.conftest import Platform
from tests.e2e.statements import AGENCY_IBAN, Movement, cfonb_statement

#: The year of the agency the scenario lives through (then January-February of the next).
YEAR = 2031
NEXT = YEAR + 1
SERVICES = ("membership", "training", "booking", "billing")
TEXT = (
    "Structure d'accompagnement vers l'emploi et la formation en Nouvelle-Aquitaine, "
    "qui anime des ateliers d'orientation et de découverte des métiers pour tous les publics."
)

Json = Any
Step = Callable[["Agency"], Awaitable[None]]


def _siret(siren: str, nic: int) -> str:
    base = f"{siren}{nic:04d}"
    return base + luhn.calc_check_digit(base)


@dataclass(frozen=True)
class Structure:
    label: str
    siren: str
    plan: str
    city: str
    postal_code: str
    insee_code: str

    @property
    def siret(self) -> str:
        return _siret(self.siren, 1)

    def establishment(self, nic: int) -> str:
        return _siret(self.siren, nic)


# label, plan of its first year, head office (city, postal code, INSEE code: M1 decides on it)
_STRUCTURES = (
    ("s01", "premium", "Bordeaux", "33000", "33063"),
    ("s02", "premium", "Pau", "64000", "64445"),
    ("s03", "simple", "Limoges", "87000", "87085"),
    ("s04", "simple", "Poitiers", "86000", "86194"),
    ("s05", "simple", "La Rochelle", "17000", "17300"),
    ("s06", "premium", "Périgueux", "24000", "24322"),
    ("s07", "simple", "Mont-de-Marsan", "40000", "40192"),
    ("s08", "premium", "Agen", "47000", "47001"),
    ("s09", "simple", "Niort", "79000", "79191"),
    ("s10", "simple", "Angoulême", "16000", "16015"),
    ("s11", "premium", "Tulle", "19000", "19272"),
    ("s12", "simple", "Guéret", "23000", "23096"),
)


def the_structures(seed: int = YEAR) -> dict[str, Structure]:
    """The twelve structures of the year, the same SIRENs in every run."""
    rng = random.Random(seed)
    found: dict[str, Structure] = {}
    sirens: set[str] = set()
    for label, plan, city, postal_code, insee_code in _STRUCTURES:
        while True:
            base = f"{rng.randrange(10_000_000, 100_000_000)}"
            siren = base + luhn.calc_check_digit(base)
            if not siren.startswith("356") and siren not in sirens:  # La Poste's: M1 differs
                break
        sirens.add(siren)
        found[label] = Structure(label, siren, plan, city, postal_code, insee_code)
    return found


@dataclass(frozen=True)
class Person:
    """An employee of a structure (or of one of its establishments), named ``s01-a``..."""

    label: str
    siret: str

    @property
    def email(self) -> str:
        return f"{self.label}@salaries.example.org"

    def body(self) -> dict[str, str]:
        first, _, last = self.label.partition("-")
        return {
            "first_name": f"Prénom {last.upper()}",
            "last_name": f"Nom {first.upper()}",
            "email": self.email,
            "siret": self.siret,
        }


class Agency:
    """The people of the agency and its members, acting on ``platform`` over HTTP."""

    def __init__(
        self,
        platform: Platform,
        clock_file: Path,
        *,
        within: float = 60.0,
        between: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self.platform = platform
        self.clock_file = clock_file
        self.within = within
        self._between = between
        self.structures = the_structures()
        self.by_siren = {s.siren: s for s in self.structures.values()}
        #: Ids the steps created, by label (``room:garonne``, ``session:S1``, ``S1/s01-a``...).
        self.ids: dict[str, str] = {}
        self.people: dict[str, Person] = {}
        self.today = date(YEAR, 1, 1)
        #: Seconds each step took (the report of a run).
        self.timings: dict[str, float] = {}
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._tokens: dict[str, dict[str, str]] = {}

    async def __aenter__(self) -> Agency:
        for name in SERVICES:
            self._clients[name] = self.platform.client(name)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for client in self._clients.values():
            await client.aclose()

    # -- who acts ----------------------------------------------------------------------------

    def _token(self, key: str, role: Role, siren: str | None = None) -> dict[str, str]:
        if key not in self._tokens:
            self._tokens[key] = self.platform.token(role, siren)
        return self._tokens[key]

    @property
    def staff(self) -> dict[str, str]:
        return self._token("staff", Role.STAFF)

    @property
    def board(self) -> dict[str, str]:
        return self._token("board", Role.BOARD)

    @property
    def finance(self) -> dict[str, str]:
        return self._token("finance", Role.FINANCE)

    def member(self, label: str) -> dict[str, str]:
        return self._token(label, Role.MEMBER, self.structures[label].siren)

    def person(self, label: str, *, nic: int = 1) -> Person:
        """Employee ``label`` (``s12-a``) of its structure's establishment ``nic``."""
        if label not in self.people:
            structure = self.structures[label.partition("-")[0]]
            self.people[label] = Person(label, structure.establishment(nic))
        return self.people[label]

    # -- time --------------------------------------------------------------------------------

    async def at(self, day: date, hour: int = 9) -> None:
        """Move every process of the platform to ``day`` (time flows on from there)."""
        set_shifted_clock(self.clock_file, datetime(day.year, day.month, day.day, hour, tzinfo=UTC))
        self.today = day

    async def step(self, name: str) -> None:
        """Between two steps: where the fault suite strikes."""
        if self._between is not None:
            await self._between(name)

    # -- requests ----------------------------------------------------------------------------

    async def call(
        self,
        service: str,
        method: str,
        path: str,
        headers: dict[str, str],
        *,
        expect: int | Iterable[int] = (200, 201),
        code: str | None = None,
        **kwargs: Any,
    ) -> Json:
        """The answer's JSON; fails the test unless its status is expected (and, for a
        problem, its ``code`` is ``code``)."""
        response = await self._clients[service].request(method, path, headers=headers, **kwargs)
        wanted = {expect} if isinstance(expect, int) else set(expect)
        assert response.status_code in wanted, (
            f"{method} {service}{path}: {response.status_code} {response.text[:500]}"
        )
        if code is not None:
            assert response.json()["code"] == code, f"{method} {service}{path}: {response.text}"
        return response.json() if response.content else None

    async def refused(
        self,
        service: str,
        method: str,
        path: str,
        headers: dict[str, str],
        status: int,
        code: str,
        **kwargs: Any,
    ) -> Json:
        return await self.call(service, method, path, headers, expect=status, code=code, **kwargs)

    async def until(self, what: str, predicate: Callable[[], Awaitable[bool]]) -> None:
        """Poll ``predicate`` until it holds, failing after the agency's deadline."""
        try:
            await wait_until(predicate, within=self.within, interval=0.1)
        except AssertionError:
            raise AssertionError(f"{what}: not within {self.within}s") from None

    # -- what the services say ---------------------------------------------------------------

    async def invoices(self, label: str) -> list[Json]:
        siren = self.structures[label].siren
        page = await self.call(
            "billing", "GET", "/invoices", self.finance, params={"siren": siren, "limit": 500}
        )
        return list(page["items"])

    async def invoice(self, label: str, kind: str, year: int) -> Json:
        """The structure's invoice of ``kind`` for ``year`` (waits for billing to issue it)."""
        found: list[Json] = []

        async def issued() -> bool:
            found[:] = [
                i for i in await self.invoices(label) if i["kind"] == kind and i["year"] == year
            ]
            return len(found) == 1

        await self.until(f"{label}: {kind} invoice of {year}", issued)
        return found[0]

    async def memberships(self, label: str) -> list[Json]:
        siren = self.structures[label].siren
        return list(
            await self.call("membership", "GET", f"/structures/{siren}/memberships", self.staff)
        )

    async def until_membership(self, label: str, year: int, state: str) -> None:
        async def reached() -> bool:
            return any(
                m["year"] == year and m["state"] == state for m in await self.memberships(label)
            )

        await self.until(f"{label}: {year} membership {state}", reached)

    async def member_rights(self, service: str, label: str, day: date) -> Json:
        siren = self.structures[label].siren
        return await self.call(
            service, "GET", f"/member-rights/{siren}", self.staff, params={"on": day.isoformat()}
        )

    async def until_rights(
        self, label: str, day: date, *, member: bool, plan: str | None = None
    ) -> None:
        """Training and booking both know (from membership's events) the status on ``day``."""

        async def known() -> bool:
            for service in ("training", "booking"):
                rights = await self.member_rights(service, label, day)
                if rights["member"] is not member or (plan and rights["plan"] != plan):
                    return False
            return True

        await self.until(f"{label}: member={member} {plan or ''} on {day} everywhere", known)

    # -- money -------------------------------------------------------------------------------

    async def pay(
        self,
        label: str,
        invoice: Json,
        amount: str | None = None,
        *,
        method: str = "transfer",
        tag: str = "",
    ) -> Json:
        """Finance records a payment received today, its reference naming the invoice."""
        return await self.call(
            "billing",
            "POST",
            "/payments",
            self.finance,
            json={
                "method": method,
                "amount": amount or invoice["total"],
                "received_on": self.today.isoformat(),
                "payer_reference": f"VIR {label.upper()} {invoice['number']}",
                "bank_reference": f"{method.upper()}-{label}-{invoice['number']}{tag}",
            },
            expect=201,
        )

    async def import_statement(self, movements: list[Movement]) -> Json:
        """Finance imports today's CFONB 120 statement of the agency's account."""
        return await self.call(
            "billing",
            "POST",
            "/payments/import",
            {**self.finance, "content-type": "text/plain"},
            params={"format": "cfonb", "account": AGENCY_IBAN},
            content=cfonb_statement(self.today, movements),
        )


@dataclass
class Steps:
    """The year as named steps, in order (the fault suite strikes between them)."""

    steps: list[Step] = field(default_factory=list)

    def __call__(self, step: Step) -> Step:
        self.steps.append(step)
        return step

    async def run(self, agency: Agency) -> None:
        for step in self.steps:
            await agency.step(step.__name__)
            started = time.monotonic()
            await step(agency)
            agency.timings[step.__name__] = round(time.monotonic() - started, 1)
