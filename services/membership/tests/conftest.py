"""Fixtures of the membership tests: the service on the real PostgreSQL and RabbitMQ."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest

from membership.app import create_app
from membership.service import SERVICE_DIR, MembershipRuntime, build_runtime
from membership.settings import MembershipSettings
from membership.use_cases import payments
from shared.auth import Role
from shared.clock import FixedClock
from shared.contracts import CreditNoteIssued, InvoicePaid
from shared.testing.helpers import outbox_envelopes
from shared.testing.identifiers import new_siren, siret_of
from shared.testing.service_fixtures import define_service_fixtures

DEFAULT_NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
TEXT = "Une structure d'accompagnement des jeunes vers l'emploi en Gironde depuis 1990."
TEXTS = {"structure": TEXT, "activity": TEXT, "motivations": TEXT}


define_service_fixtures(
    globals(),
    service="membership",
    service_dir=SERVICE_DIR,
    settings_type=MembershipSettings,
    build_runtime=build_runtime,
    create_app=create_app,
    now=DEFAULT_NOW,
)


@dataclass
class Scenario:
    """Drives the service the way its users and billing do, for one test's structures."""

    client: httpx.AsyncClient
    runtime: MembershipRuntime
    clock: FixedClock
    auth: Callable[..., dict[str, str]]

    @property
    def staff(self) -> dict[str, str]:
        return self.auth(Role.STAFF)

    @property
    def board(self) -> dict[str, str]:
        return self.auth(Role.BOARD)

    def member(self, siren: str) -> dict[str, str]:
        return self.auth(Role.MEMBER, siren=siren)

    def at(self, day: date) -> None:
        self.clock.set(datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC))

    def structure_body(self, siren: str, insee: str = "33063", **extra: Any) -> dict[str, Any]:
        return {
            "siren": siren,
            "legal_name": f"Structure {siren}",
            "legal_form": "association",
            "head_office": {
                "siret": siret_of(siren),
                "address_line": "1 rue Sainte-Catherine",
                "postal_code": "33000",
                "city": "Bordeaux",
                "insee_code": insee,
            },
            "email": f"contact-{siren}@example.org",
            **extra,
        }

    async def register(self, siren: str | None = None, **extra: Any) -> str:
        siren = siren or new_siren()
        response = await self.client.post(
            "/structures", json=self.structure_body(siren, **extra), headers=self.member(siren)
        )
        assert response.status_code == 201, response.text
        return siren

    async def apply(self, siren: str, year: int, plan: str = "simple") -> dict[str, Any]:
        response = await self.client.post(
            "/applications",
            json={"siren": siren, "year": year, "plan": plan, "texts": TEXTS},
            headers=self.member(siren),
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def approve(self, application_id: str) -> UUID:
        response = await self.client.post(
            f"/applications/{application_id}/approve", headers=self.board
        )
        assert response.status_code == 200, response.text
        return UUID(response.json()["membership_id"])

    async def pay(
        self, siren: str, subject_id: UUID, *, kind: str = "membership_new", year: int = 2026
    ) -> InvoicePaid:
        """Billing's payment event, applied through the handler in one unit of work."""
        event = invoice_paid(siren, subject_id, kind=kind, year=year, paid_on=self.clock.today())
        async with self.runtime.transaction() as uow:
            await payments.on_invoice_paid(uow, event)
        return event

    async def cancel(self, siren: str, subject_id: UUID, *, kind: str = "membership_new") -> None:
        event = CreditNoteIssued(
            credit_note_id=uuid4(),
            number="AV-2026-0001",
            invoice_id=uuid4(),
            invoice_number="F-2026-0001",
            siren=siren,
            kind=kind,  # type: ignore[arg-type]
            subject_id=subject_id,
            amount=Decimal("100.00"),
            cancels_invoice=True,
            reason="unpaid",
            issued_on=self.clock.today(),
        )
        async with self.runtime.transaction() as uow:
            await payments.on_credit_note_issued(uow, event)

    async def member_of(self, siren: str, year: int, plan: str = "simple") -> UUID:
        """A structure whose ``year`` membership is approved and paid (clock left in that year)."""
        self.at(date(year, 3, 1))
        application = await self.apply(siren, year, plan)
        if application["kind"] == "new":
            membership_id = await self.approve(application["id"])
        else:
            membership_id = UUID(application["membership_id"])
        await self.pay(siren, membership_id, year=year)
        return membership_id

    async def rights(self, identifier: str, on: date | None = None) -> dict[str, Any]:
        params = {"on": on.isoformat()} if on else {}
        response = await self.client.get(f"/rights/{identifier}", params=params, headers=self.staff)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def outbox(self, event_type: str, **payload: str) -> list[dict[str, Any]]:
        """Envelopes of ``event_type`` in the outbox whose payload has the given values."""
        return await outbox_envelopes(self.runtime.engine, event_type, **payload)


def invoice_paid(
    siren: str, subject_id: UUID, *, kind: str, year: int, paid_on: date
) -> InvoicePaid:
    return InvoicePaid(
        invoice_id=uuid4(),
        number=f"F-{year}-{random.randrange(1, 10_000):05d}",
        siren=siren,
        kind=kind,  # type: ignore[arg-type]
        subject_id=subject_id,
        year=year,
        total=Decimal("100.00"),
        paid_on=paid_on,
    )


@pytest.fixture
def scenario(
    client: httpx.AsyncClient,
    runtime: MembershipRuntime,
    clock: FixedClock,
    auth: Callable[..., dict[str, str]],
) -> Scenario:
    return Scenario(client, runtime, clock, auth)
