"""Fixtures of the training tests: the service on the real PostgreSQL (and RabbitMQ)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from sqlalchemy import text

from shared.auth import Role
from shared.clock import FixedClock
from shared.contracts import MembershipActivated, MembershipLapsed
from shared.messaging.outbox import AggregateRef, build_envelope
from shared.projections.member_rights import apply_member_fact
from shared.testing.helpers import bearer, outbox_envelopes
from shared.testing.identifiers import new_siren, siret_of
from shared.testing.service_fixtures import define_service_fixtures
from training.app import create_app
from training.service import SERVICE_DIR, TrainingRuntime, build_runtime
from training.settings import TrainingSettings

DEFAULT_NOW = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
START = date(2026, 4, 20)


define_service_fixtures(
    globals(),
    service="training",
    service_dir=SERVICE_DIR,
    settings_type=TrainingSettings,
    build_runtime=build_runtime,
    create_app=create_app,
    now=DEFAULT_NOW,
)


@dataclass
class Scenario:
    """Drives the service as staff, members and membership's events do, for one test."""

    client: httpx.AsyncClient
    runtime: TrainingRuntime
    clock: FixedClock
    settings: TrainingSettings
    memberships: dict[str, UUID] = field(default_factory=dict)
    _tokens: dict[str | None, dict[str, str]] = field(default_factory=dict)

    @property
    def staff(self) -> dict[str, str]:
        if None not in self._tokens:
            self._tokens[None] = bearer(self.settings.auth, Role.STAFF)
        return self._tokens[None]

    def member(self, siren: str) -> dict[str, str]:
        if siren not in self._tokens:
            self._tokens[siren] = bearer(self.settings.auth, Role.MEMBER, siren=siren)
        return self._tokens[siren]

    def at(self, day: date) -> None:
        self.clock.set(datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC))

    async def member_of(self, siren: str | None = None, year: int = 2026, **facts: Any) -> str:
        """A structure whose ``year`` membership membership announced (the projection)."""
        siren = siren or new_siren()
        membership_id = facts.pop("membership_id", uuid4())
        event = MembershipActivated(
            membership_id=membership_id,
            siren=siren,
            year=year,
            plan="simple",
            valid_from=date(year, 1, 1),
            valid_until=date(year, 12, 31),
            activated_at=self.clock.now(),
            **facts,
        )
        await self.fold(event, AggregateRef.of(membership_id, 1))
        self.memberships[siren] = membership_id
        return siren

    def lapsed(self, siren: str, lapsed_on: date) -> MembershipLapsed:
        return MembershipLapsed(
            membership_id=self.memberships[siren], siren=siren, year=2026, lapsed_on=lapsed_on
        )

    async def lapse(self, siren: str, lapsed_on: date) -> None:
        """The projection takes a lapse in (without the consumer's hook)."""
        await self.fold(self.lapsed(siren, lapsed_on), AggregateRef.of(self.memberships[siren], 2))

    async def fold(self, event: Any, ref: AggregateRef) -> None:
        async with self.runtime.transaction() as uow:
            await apply_member_fact(uow.driver, event, build_envelope(event, aggregate=ref))

    async def action(self, type: str = "training", **body: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "type": type,
            "title": f"Accueillir les publics {uuid4().hex[:6]}",
            "description": "Une journée pour les professionnels de l'orientation.",
            "remote": type == "self_training",
        }
        if type == "training":
            values["duration_days"] = 1
        values.update(body)
        response = await self.client.post("/actions", json=values, headers=self.staff)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    async def session(
        self,
        type: str = "training",
        *,
        action_id: str | None = None,
        starts_on: date = START,
        capacity: int = 12,
        **body: Any,
    ) -> dict[str, Any]:
        if action_id is None:
            action = await self.action(type)
            action_id, remote = action["id"], action["remote"]
        else:
            remote = False
        values: dict[str, Any] = {
            "starts_on": starts_on.isoformat(),
            "ends_on": starts_on.isoformat(),
            "capacity": capacity,
            "registration_opens_on": "2026-01-31",
        }
        if not remote:
            values.update(place="Pessac, Centre Vincent Merle", department="33")
        values.update(body)
        response = await self.client.post(
            f"/actions/{action_id}/sessions", json=values, headers=self.staff
        )
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    async def register(
        self,
        session_id: str,
        siren: str,
        email: str | None = None,
        *,
        siret: str | None = None,
        as_staff: bool = False,
    ) -> httpx.Response:
        body = {
            "first_name": "Camille",
            "last_name": "Martin",
            "email": email or f"{uuid4().hex[:10]}@example.org",
            "siret": siret or siret_of(siren),
        }
        headers = self.staff if as_staff else self.member(siren)
        return await self.client.post(
            f"/sessions/{session_id}/enrollments", json=body, headers=headers
        )

    async def placed(self, session_id: str, siren: str, email: str | None = None) -> dict[str, Any]:
        response = await self.register(session_id, siren, email)
        assert response.status_code == 201, response.text
        assert response.json()["outcome"] == "confirmed", response.text
        result: dict[str, Any] = response.json()["enrollment"]
        return result

    async def sql(self, statement: str, **params: Any) -> list[Any]:
        async with self.runtime.engine.connect() as connection:
            return list(await connection.execute(text(statement), params))

    async def outbox(self, event_type: str, **payload: str) -> list[dict[str, Any]]:
        """Envelopes of ``event_type`` in the outbox whose payload has the given values."""
        return await outbox_envelopes(self.runtime.engine, event_type, **payload)


@pytest.fixture
def scenario(
    client: httpx.AsyncClient,
    runtime: TrainingRuntime,
    clock: FixedClock,
    training_settings: TrainingSettings,
) -> Scenario:
    return Scenario(client, runtime, clock, training_settings)


def days(n: int) -> timedelta:
    return timedelta(days=n)


__all__ = ["START", "UUID", "Scenario", "days", "new_siren", "siret_of"]
