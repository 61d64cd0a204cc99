"""The agency's people over HTTP on a running platform: staff, the board, finance and members.

:class:`Agency` is what a scenario's steps act through (the year of ``tests/e2e``, the demo of
``scripts/demo.py``): one client per service, the tokens of each role, the platform clock
(``DEV_CLOCK_FILE``: every process reads the same offset, :class:`shared.clock.ShiftedClock`),
and waits that poll an API until an event has had its effect, with a deadline (never a sleep).
It reaches the services through :class:`Endpoints`: the processes a test started, or the URLs
of a platform already running (:class:`ServiceUrls`).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

import httpx

from shared.auth import Role
from shared.clock import set_shifted_clock
from shared.settings import AuthSettings
from shared.testing.agency.people import Person, Structure
from shared.testing.agency.statements import AGENCY_IBAN, Movement, cfonb_statement
from shared.testing.helpers import bearer, wait_until

#: The services a scenario acts on (the exchange only consumes their events).
SERVICES = ("membership", "training", "booking", "billing")

Json = Any


class Endpoints(Protocol):
    """Where the services answer and how a caller of a role is authenticated there."""

    def client(self, name: str) -> httpx.AsyncClient: ...

    def token(self, role: Role, siren: str | None = None) -> dict[str, str]: ...


@dataclass(frozen=True)
class ServiceUrls:
    """A running platform by its services' base URLs (``make run``'s ports by default), with
    local tokens signed as ``capmetiers-token`` signs them (``JWT_SECRET``)."""

    urls: Mapping[str, str] = field(
        default_factory=lambda: {
            "membership": "http://127.0.0.1:8001",
            "training": "http://127.0.0.1:8002",
            "booking": "http://127.0.0.1:8003",
            "billing": "http://127.0.0.1:8004",
            "exchange": "http://127.0.0.1:8006",
        }
    )
    auth: AuthSettings = field(default_factory=AuthSettings)
    timeout: float = 30.0

    def client(self, name: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.urls[name], timeout=self.timeout)

    def token(self, role: Role, siren: str | None = None) -> dict[str, str]:
        return bearer(self.auth, role, siren=siren)


class Agency:
    """The people of the agency and its members, acting on ``platform`` over HTTP."""

    def __init__(
        self,
        platform: Endpoints,
        clock_file: Path | None,
        structures: Mapping[str, Structure],
        *,
        today: date,
        within: float = 60.0,
        between: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self.platform = platform
        #: The platform's ``DEV_CLOCK_FILE``; ``None``: the platform keeps its own time.
        self.clock_file = clock_file
        self.within = within
        self._between = between
        self.structures: dict[str, Structure] = dict(structures)
        self.by_siren = {s.siren: s for s in self.structures.values()}
        #: Ids the steps created, by label (``room:garonne``, ``session:S1``, ``S1/s01-a``...).
        self.ids: dict[str, str] = {}
        self.people: dict[str, Person] = {}
        self.today = today
        #: Seconds each step took (the report of a run).
        self.timings: dict[str, float] = {}
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._tokens: dict[str, dict[str, str]] = {}

    async def __aenter__(self) -> Self:
        return self

    def _client(self, service: str) -> httpx.AsyncClient:
        """The service's client, opened at its first request (a scenario may need only one)."""
        if service not in self._clients:
            self._clients[service] = self.platform.client(service)
        return self._clients[service]

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

    def enlist(self, structure: Structure) -> None:
        """A structure the steps name from now on (``member(label)``...)."""
        self.structures[structure.label] = structure
        self.by_siren[structure.siren] = structure

    def person(self, label: str, *, nic: int = 1) -> Person:
        """Employee ``label`` (``s12-a``) of its structure's establishment ``nic``."""
        if label not in self.people:
            structure = self.structures[label.partition("-")[0]]
            self.people[label] = Person(label, structure.establishment(nic))
        return self.people[label]

    # -- time --------------------------------------------------------------------------------

    async def at(self, day: date, hour: int = 9) -> None:
        """Move every process of the platform to ``day`` (time flows on from there)."""
        if self.clock_file is None:
            raise RuntimeError("this platform's clock cannot be moved: no DEV_CLOCK_FILE given")
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
        response = await self._client(service).request(method, path, headers=headers, **kwargs)
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

    async def pages(
        self, service: str, path: str, headers: dict[str, str], **params: Any
    ) -> list[Json]:
        """Every item of a paged list (``?limit=&offset=``), page after page."""
        items: list[Json] = []
        while True:
            page = await self.call(
                service, "GET", path, headers, params={**params, "limit": 500, "offset": len(items)}
            )
            items.extend(page["items"])
            if len(items) >= page["total"] or not page["items"]:
                return items

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

    async def import_statement(self, movements: list[Movement], first_entry: int = 1) -> Json:
        """Finance imports today's CFONB 120 statement of the agency's account (its entries
        numbered from ``first_entry``)."""
        return await self.call(
            "billing",
            "POST",
            "/payments/import",
            {**self.finance, "content-type": "text/plain"},
            params={"format": "cfonb", "account": AGENCY_IBAN},
            content=cfonb_statement(self.today, movements, first_entry=first_entry),
        )


A = TypeVar("A", bound=Agency)


@dataclass
class Steps(Generic[A]):
    """A scenario as named steps, in order (the fault suite strikes between them)."""

    steps: list[Callable[[A], Awaitable[None]]] = field(default_factory=list)

    def __call__(self, step: Callable[[A], Awaitable[None]]) -> Callable[[A], Awaitable[None]]:
        self.steps.append(step)
        return step

    async def run(self, agency: A) -> None:
        for step in self.steps:
            await agency.step(step.__name__)
            started = time.monotonic()
            await step(agency)
            agency.timings[step.__name__] = round(time.monotonic() - started, 1)
