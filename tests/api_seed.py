"""A little of everything, made over the services' APIs, for generated requests to reach.

One premium member, approved, invoiced and paid, so that its rights reach training and booking;
a beneficiary establishment; an assembly and an extranet document; a training action with a
session and an enrollment; a meeting room, a closure and a booking. :class:`Seed` names them by
the path parameters the OpenAPI documents give them, service by service.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from shared.auth import Role
from shared.testing.helpers import wait_until
from shared.testing.identifiers import new_siren, siret_of
from tests.conftest import Platform
from tests.member_flows import (
    apply,
    approve,
    invoices_of,
    membership_state,
    ok,
    pay,
    put_tariffs,
    register,
)

#: The platform's day while the APIs are fuzzed: a Tuesday far from the year's edges (M4, B8).
TODAY = date(2027, 3, 2)
EMAIL = "lou.garcia@example.org"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass(frozen=True)
class Seed:
    """The rows made, by service and path parameter name."""

    siren: str
    values: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def parameters(self, service: str, names: set[str]) -> dict[str, Any]:
        """Real values for the parameters ``names`` (path or query) of an operation of
        ``service``."""
        known = self.values.get(service, {})
        return {name: known[name] for name in names if name in known}


async def seed(platform: Platform) -> Seed:
    """Make the rows, the platform's clock on :data:`TODAY` (8 o'clock)."""
    platform.move_to(datetime.combine(TODAY, datetime.min.time(), UTC) + timedelta(hours=8))
    siren = new_siren()
    clients = {name: platform.client(name) for name in ("membership", "training", "booking")}
    async with clients["membership"], clients["training"], clients["booking"]:
        billing, application = await _member(platform, clients["membership"], siren)
        membership = await _governance(platform, clients["membership"], siren, application)
        training = await _training(platform, clients["training"], siren)
        booking = await _booking(platform, clients["booking"], siren)
    return Seed(
        siren,
        {"membership": membership, "training": training, "booking": booking, "billing": billing},
    )


async def _member(
    platform: Platform, membership: httpx.AsyncClient, siren: str
) -> tuple[dict[str, Any], str]:
    """A premium member for the year, its dues invoiced and paid (M5, F5): billing's rows, and
    the application's id."""
    year = TODAY.year
    await put_tariffs(membership, platform, year)
    await register(membership, platform, siren)
    application = (await apply(membership, platform, siren, year))["id"]
    await approve(membership, platform, application)
    async with platform.client("billing") as billing:
        dues: list[Any] = []

        async def invoiced() -> bool:
            dues[:] = await invoices_of(billing, platform, siren)
            return bool(dues)

        await wait_until(invoiced, within=120, interval=0.3)
        [invoice] = dues
        paid = await pay(billing, platform, invoice, TODAY)

    async def active() -> bool:
        return await membership_state(membership, platform, siren, year) == "active"

    await wait_until(active, within=120, interval=0.3)
    return {
        "siren": siren,
        "ref": invoice["id"],
        "payment_id": paid["id"],
        "year": year,
        "level": 1,
        "from": date(TODAY.year, 1, 1).isoformat(),
        "to": date(TODAY.year, 12, 31).isoformat(),
    }, application


async def _governance(
    platform: Platform, membership: httpx.AsyncClient, siren: str, application: str
) -> dict[str, Any]:
    """A beneficiary establishment, a convened assembly and an extranet document (M7, M11)."""
    staff = platform.token(Role.STAFF)
    beneficiary = siret_of(siren, 2)
    body = {"siret": beneficiary, "name": "Antenne de Lesparre"}
    ok(await membership.post(f"/structures/{siren}/beneficiaries", json=body, headers=staff), 201)
    assembly = {
        "title": "Assemblée générale ordinaire",
        "held_on": (TODAY + timedelta(days=30)).isoformat(),
        "starts_at": "14:00",
        "address": "Maison de l'emploi, Bordeaux",
        "agenda": ["Rapport moral", "Comptes de l'exercice"],
    }
    assembly_id = ok(await membership.post("/assemblies", json=assembly, headers=staff), 201)["id"]
    uploaded = await membership.post(
        "/extranet/documents",
        params={"kind": "statutes", "title": "Statuts", "filename": "statuts.pdf"},
        content=PDF,
        headers={**staff, "Content-Type": "application/pdf"},
    )
    return {
        "siren": siren,
        "identifier": siren,
        "siret": beneficiary,
        "year": TODAY.year,
        "application_id": application,
        "assembly_id": assembly_id,
        "document_id": ok(uploaded, 201)["id"],
    }


async def _training(platform: Platform, training: httpx.AsyncClient, siren: str) -> dict[str, Any]:
    """An action, a session in five weeks and an employee's place in it (T2)."""
    staff, member = platform.token(Role.STAFF), platform.token(Role.MEMBER, siren)
    policy = {"max_actions": 5, "max_trainings": 3}
    ok(await training.put(f"/policies/{TODAY.year}", json=policy, headers=staff))
    action = {
        "type": "training",
        "title": "Accueillir un public jeune",
        "description": "Deux jours d'atelier.",
        "remote": False,
        "duration_days": 2,
    }
    action_id = ok(await training.post("/actions", json=action, headers=staff), 201)["id"]
    starts_on = TODAY + timedelta(days=35)
    session = {
        "starts_on": starts_on.isoformat(),
        "ends_on": (starts_on + timedelta(days=1)).isoformat(),
        "capacity": 10,
        "registration_opens_on": TODAY.isoformat(),
        "place": "Maison de l'emploi, Bordeaux",
        "department": "33",
    }
    url = f"/actions/{action_id}/sessions"
    session_id = ok(await training.post(url, json=session, headers=staff), 201)["id"]
    employee = {
        "first_name": "Lou",
        "last_name": "Garcia",
        "email": EMAIL,
        "siret": siret_of(siren),
    }
    placed: dict[str, Any] = {}

    async def registered() -> bool:  # once training has folded the member's rights (T2)
        response = await training.post(
            f"/sessions/{session_id}/enrollments", json=employee, headers=member
        )
        placed.update(response.json())
        return response.status_code == 201

    await wait_until(registered, within=120, interval=0.5)
    return {
        "siren": siren,
        "year": TODAY.year,
        "email": EMAIL,
        "action_id": action_id,
        "session_id": session_id,
        "enrollment_id": placed["enrollment"]["id"],
    }


async def _booking(platform: Platform, booking: httpx.AsyncClient, siren: str) -> dict[str, Any]:
    """A meeting room, a closure of another day and a booking of the room (B1, B8)."""
    staff, member = platform.token(Role.STAFF), platform.token(Role.MEMBER, siren)
    policy = {
        "room_credits": 5,
        "auditorium_price": "250.00",
        "studio_slots_per_participant": 3,
        "pattern_weeks": 3,
    }
    ok(await booking.put(f"/policies/{TODAY.year}", json=policy, headers=staff))
    room = {"name": f"Salle {siren}", "kind": "meeting_room", "capacity": 12}
    resource_id = ok(await booking.post("/resources", json=room, headers=staff), 201)["id"]
    closed_on = (TODAY + timedelta(days=22)).isoformat()
    closure = {"starts_on": closed_on, "ends_on": closed_on, "reason": "Inventaire"}
    closure_id = ok(await booking.post("/calendar/closures", json=closure, headers=staff), 201)[
        "id"
    ]
    request = {
        "siren": siren,
        "resource_id": resource_id,
        "date": (TODAY + timedelta(days=7)).isoformat(),
        "starts_at": "10:00",
        "ends_at": "12:00",
        "purpose": "Atelier d'orientation",
        "purpose_category": "guidance",
        "attendance": 8,
    }
    booked: dict[str, Any] = {}

    async def made() -> bool:  # once booking has folded the member's rights (B1)
        response = await booking.post("/bookings", json=request, headers=member)
        booked.update(response.json())
        return response.status_code == 201

    await wait_until(made, within=120, interval=0.5)
    return {
        "siren": siren,
        "year": TODAY.year,
        "resource_id": resource_id,
        "closure_id": closure_id,
        "booking_id": booked["id"],
        "from": TODAY.isoformat(),
        "on": request["date"],
        "to": (TODAY + timedelta(days=30)).isoformat(),
    }
