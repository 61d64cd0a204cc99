"""Fixtures of the booking tests: the service on the real PostgreSQL and RabbitMQ, and a
scenario that seeds member rights and drives the API as members and staff do."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest

from booking.app import create_app
from booking.service import SERVICE_DIR, BookingRuntime, build_runtime
from booking.settings import BookingSettings
from shared.auth import Role
from shared.clock import FixedClock
from shared.contracts import MembershipActivated, QualiopiCertificationChanged
from shared.contracts.base import Event
from shared.messaging.outbox import AggregateRef, build_envelope
from shared.projections.member_rights import apply_member_fact
from shared.testing.helpers import outbox_envelopes
from shared.testing.identifiers import new_siren
from shared.testing.service_fixtures import define_service_fixtures

#: A Tuesday, 10:00 in Pessac.
DEFAULT_NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
PURPOSE = "Atelier d'orientation pour des demandeurs d'emploi"


define_service_fixtures(
    globals(),
    service="booking",
    service_dir=SERVICE_DIR,
    settings_type=BookingSettings,
    build_runtime=build_runtime,
    create_app=create_app,
    now=DEFAULT_NOW,
)


@dataclass
class Scenario:
    """Seeds member rights as membership's events would, and calls the API."""

    client: httpx.AsyncClient
    runtime: BookingRuntime
    clock: FixedClock
    auth: Callable[..., dict[str, str]]

    @property
    def staff(self) -> dict[str, str]:
        return self.auth(Role.STAFF)

    def member_headers(self, siren: str) -> dict[str, str]:
        return self.auth(Role.MEMBER, siren=siren)

    async def fold(self, *events: tuple[Event, int | None]) -> None:
        """Membership's events into the projection, as the consumers do."""
        async with self.runtime.transaction() as uow:
            for event, version in events:
                envelope = build_envelope(event, aggregate=AggregateRef("seed", version))
                await apply_member_fact(uow.driver, event, envelope)

    def activated(
        self, siren: str, *, plan: str = "premium", year: int = 2026, **extra: Any
    ) -> MembershipActivated:
        return MembershipActivated(
            membership_id=uuid4(),
            siren=siren,
            year=year,
            plan=plan,  # type: ignore[arg-type]
            valid_from=date(year, 1, 1),
            valid_until=date(year, 12, 31),
            activated_at=DEFAULT_NOW,
            **extra,
        )

    async def member(
        self,
        siren: str | None = None,
        *,
        plan: str = "premium",
        training_organisation: bool = False,
        qualiopi_until: date | None = None,
    ) -> str:
        siren = siren or new_siren()
        facts: list[tuple[Event, int | None]] = [
            (self.activated(siren, plan=plan, training_organisation=training_organisation), 1)
        ]
        if qualiopi_until is not None:
            facts.append(
                (
                    QualiopiCertificationChanged(
                        siren=siren,
                        certificate_number="QUA-0001",
                        valid_until=qualiopi_until,
                        changed_at=DEFAULT_NOW,
                    ),
                    1,
                )
            )
        await self.fold(*facts)
        return siren

    async def premium_members(self, count: int) -> list[str]:
        """``count`` new premium members of 2026, folded in one transaction."""
        sirens: set[str] = set()
        while len(sirens) < count:
            sirens.add(new_siren())
        await self.fold(*((self.activated(siren), 1) for siren in sirens))
        return sorted(sirens)

    async def resource(
        self, kind: str = "meeting_room", *, capacity: int = 20, **extra: Any
    ) -> dict[str, Any]:
        body = {
            "name": f"{kind} {uuid4().hex[:8]}",
            "kind": kind,
            "capacity": capacity,
            "equipment": ["vidéoprojecteur", "paperboard"],
            **extra,
        }
        response = await self.client.post("/resources", json=body, headers=self.staff)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    def booking_body(
        self,
        siren: str,
        resource: dict[str, Any] | UUID | str,
        day: date,
        starts: time = time(9, 0),
        ends: time = time(12, 0),
        **extra: Any,
    ) -> dict[str, Any]:
        resource_id = resource["id"] if isinstance(resource, dict) else str(resource)
        return {
            "siren": siren,
            "resource_id": resource_id,
            "date": day.isoformat(),
            "starts_at": starts.isoformat(timespec="minutes"),
            "ends_at": ends.isoformat(timespec="minutes"),
            "purpose": PURPOSE,
            "purpose_category": "guidance",
            "attendance": 8,
            "parking_passes": 2,
            **extra,
        }

    async def book(self, siren: str, resource: Any, day: date, **extra: Any) -> httpx.Response:
        return await self.client.post(
            "/bookings",
            json=self.booking_body(siren, resource, day, **extra),
            headers=self.member_headers(siren),
        )

    async def booked(self, siren: str, resource: Any, day: date, **extra: Any) -> dict[str, Any]:
        response = await self.book(siren, resource, day, **extra)
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def cancel(self, booking_id: str, headers: dict[str, str]) -> httpx.Response:
        return await self.client.post(f"/bookings/{booking_id}/cancel", headers=headers)

    async def outbox(self, event_type: str, **payload: str) -> list[dict[str, Any]]:
        """Envelopes of ``event_type`` in the outbox whose payload has the given values."""
        return await outbox_envelopes(self.runtime.engine, event_type, **payload)


@pytest.fixture
def scenario(
    client: httpx.AsyncClient,
    runtime: BookingRuntime,
    clock: FixedClock,
    auth: Callable[..., dict[str, str]],
) -> Scenario:
    return Scenario(client, runtime, clock, auth)
