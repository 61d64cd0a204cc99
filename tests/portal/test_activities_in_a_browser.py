"""ParcoursPro, the Pessac site and the General Assembly in Chromium, every service running as
processes: members made active through the real flow (approval, dues paid, the events reaching
training and booking).

A member pre-registers employees and the third of its structure goes on the waiting list (T4),
staff see it in the roster; a member books a meeting room with the B4 conditions attested and
reads the TBM terms (B7), staff see it on the week's calendar; staff convene the General
Assembly and publish its document, a member gives its proxy to another member, staff see it
(M11). Every page visited passes axe-core (WCAG 2.1 AA) and is photographed.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.async_api import expect

from portal.formats import date_fr
from shared.auth import Role
from shared.clock import SystemClock
from shared.testing.helpers import wait_until
from shared.testing.identifiers import new_siren, siret_of
from tests.conftest import Platform
from tests.portal.conftest import Person
from tests.portal.flows import YEAR, active_member

pytestmark = pytest.mark.e2e
TODAY = SystemClock().today()
#: The latest day a test needs its members active: a session's start, a booking, the assembly.
HORIZON = TODAY + timedelta(days=23)


@dataclass(frozen=True)
class Members:
    premium: str
    simple: str


@pytest.fixture(scope="module")
async def members(platform: Platform) -> Members:
    """Two member structures, active through the horizon: one premium, one simple."""
    found = Members(premium=new_siren(), simple=new_siren())
    await asyncio.gather(
        active_member(platform, found.premium, "premium", until=HORIZON),
        active_member(platform, found.simple, "simple", until=HORIZON),
    )
    return found


def legal_name(siren: str) -> str:
    """The name ``tests.member_flows.register`` gives a structure."""
    return f"Mission Locale Test {siren}"


async def test_t4_the_third_employee_of_a_structure_goes_on_the_waiting_list(
    platform: Platform, people: Any, members: Members
) -> None:
    siren = members.premium
    starts_on = TODAY + timedelta(days=16)  # pre-registration closes 15 days before (T6)
    title = f"Accueillir les publics {uuid.uuid4().hex[:6]}"
    staff_token, member_token = platform.token(Role.STAFF), platform.token(Role.MEMBER, siren)
    async with platform.client("training") as training:
        limits = await training.put(
            f"/policies/{starts_on.year}",
            json={"max_actions": 4, "max_trainings": 3},
            headers=staff_token,
        )
        assert limits.status_code == 200, limits.text
        action = await training.post(
            "/actions",
            json={
                "type": "training",
                "title": title,
                "description": "Une journée pour adapter l'accueil.",
                "duration_days": 1,
                "remote": True,
            },
            headers=staff_token,
        )
        assert action.status_code == 201, action.text
        opened = await training.post(
            f"/actions/{action.json()['id']}/sessions",
            json={
                "starts_on": starts_on.isoformat(),
                "ends_on": starts_on.isoformat(),
                "capacity": 10,
                "registration_opens_on": TODAY.isoformat(),
            },
            headers=staff_token,
        )
        assert opened.status_code == 201, opened.text
        session_id = opened.json()["id"]

        # the first employee through the API, once training knows the structure (T2)
        async def first_placed() -> bool:
            response = await training.post(
                f"/sessions/{session_id}/enrollments",
                json={
                    "first_name": "Camille",
                    "last_name": "Roux",
                    "email": f"camille.{siren}@example.org",
                    "siret": siret_of(siren),
                },
                headers=member_token,
            )
            return response.status_code == 201

        await wait_until(first_placed, within=60, interval=0.5)

    member: Person = await people("adherent-formations")
    await member.sign_in("member", siren)
    page = await member.visit("/adherent/formations")
    card = page.locator("article", has_text=title)
    await expect(card).to_contain_text("9 place(s) libre(s)")

    async def pre_register(first: str, last: str) -> None:
        await card.locator("summary").click()
        await card.get_by_label("Prénom du salarié").fill(first)
        await card.get_by_label("Nom du salarié", exact=True).fill(last)
        await card.get_by_label("Courriel du salarié").fill(f"{first.lower()}.{siren}@example.org")
        await card.get_by_role("button", name="Préinscrire").click()
        await page.wait_for_load_state("load")

    await pre_register("Lou", "Garcia")
    await expect(page.get_by_text("Préinscription confirmée : Lou Garcia")).to_be_visible()
    await member.check("preinscription-confirmee")
    await pre_register("Sacha", "Petit")
    waiting = page.locator("#resultat")
    await expect(waiting).to_contain_text("Sacha Petit est en liste d'attente")
    await expect(waiting).to_contain_text("à la place 1")
    await expect(waiting).to_contain_text("Deux salariés de la même structure sont déjà inscrits")
    await member.check("liste-attente-t4")

    staff: Person = await people("equipe-formations")
    await staff.sign_in("staff")
    catalogue = await staff.visit("/equipe/formations")
    await catalogue.get_by_role("link", name=title).click()
    await expect(catalogue.get_by_role("heading", name="Participants (2 sur 10)")).to_be_visible()
    waiting_list = catalogue.locator("ol.waiting")
    await expect(waiting_list).to_contain_text("Sacha Petit")
    await expect(waiting_list).to_contain_text("Deux salariés de la même structure")
    await staff.check("liste-de-la-session")

    # what each employee has left this year (T3), then the waiting entry withdrawn (T7)
    await member.visit("/adherent/formations")
    allowances = page.locator("section", has=page.get_by_role("heading", name="Actions restantes"))
    await expect(allowances.locator("tr", has_text=f"lou.{siren}")).to_contain_text("3 sur 4")
    row = page.locator("tr", has_text=f"sacha.{siren}@example.org")
    await row.get_by_role("button", name=re.compile("Se désister")).click()
    await expect(page.get_by_text("Désistement enregistré")).to_be_visible()
    await member.check("desistement")


async def next_working_day(platform: Platform, after: date) -> date:
    """The first day from ``after`` on that is not a weekend or a French public holiday (B8)."""
    async with platform.client("booking") as booking:
        holidays: set[str] = set()
        for year in (after.year, after.year + 1):
            found = await booking.get(
                f"/calendar/holidays/{year}", headers=platform.token(Role.STAFF)
            )
            assert found.status_code == 200, found.text
            holidays |= {h["date"] for h in found.json()}
    day = after
    while day.weekday() >= 5 or day.isoformat() in holidays:
        day += timedelta(days=1)
    return day


async def test_b4_b7_a_member_books_a_meeting_room_and_staff_see_it_on_the_calendar(
    platform: Platform, people: Any, members: Members
) -> None:
    siren = members.premium
    day = await next_working_day(platform, TODAY + timedelta(days=2))
    suffix = uuid.uuid4().hex[:6]
    staff_token = platform.token(Role.STAFF)
    async with platform.client("booking") as booking:
        terms = await booking.put(
            f"/policies/{day.year}",
            json={
                "room_credits": 5,
                "auditorium_price": "250.00",
                "studio_slots_per_participant": 3,
                "pattern_weeks": 3,
            },
            headers=staff_token,
        )
        assert terms.status_code == 200, terms.text
        rooms = {}
        for name, kind, capacity in (
            (f"Salle Garonne {suffix}", "meeting_room", 20),
            (f"Salle Dordogne {suffix}", "meeting_room", 12),
            (f"Auditorium {suffix}", "auditorium", 200),
        ):
            added = await booking.post(
                "/resources",
                json={"name": name, "kind": kind, "capacity": capacity},
                headers=staff_token,
            )
            assert added.status_code == 201, added.text
            rooms[name] = added.json()["id"]

        # a first booking through the API, once booking knows the structure is premium (B2)
        async def booked() -> bool:
            response = await booking.post(
                "/bookings",
                json={
                    "siren": siren,
                    "resource_id": rooms[f"Salle Dordogne {suffix}"],
                    "date": day.isoformat(),
                    "starts_at": "09:00",
                    "ends_at": "10:00",
                    "purpose": "Réunion du réseau des conseillers emploi",
                    "purpose_category": "employment",
                    "attendance": 6,
                },
                headers=platform.token(Role.MEMBER, siren),
            )
            return response.status_code == 201

        await wait_until(booked, within=60, interval=0.5)

    member: Person = await people("adherent-salles")
    await member.sign_in("member", siren)
    page = await member.visit("/adherent/reservations")
    await expect(page.get_by_text("4 réservation(s) restante(s)")).to_be_visible()
    await page.fill("#day", day.isoformat())
    await page.select_option("#resource_id", rooms[f"Salle Garonne {suffix}"])
    free = page.locator("#disponibilites")
    await expect(free).to_contain_text(f"Salle Garonne {suffix}")  # swapped in by htmx
    await expect(free).to_contain_text(date_fr(day))
    await expect(free).to_contain_text("Créneaux libres")
    await page.fill("#start", "14:00")
    await page.fill("#end", "16:30")
    await page.fill("#attendance", "8")
    await page.select_option("#purpose_category", "guidance")
    await page.fill("#purpose", "Atelier de découverte des métiers pour des lycéens")
    await page.get_by_label(re.compile("Il ne s'agit pas d'une activité commerciale")).check()
    await page.get_by_label(re.compile("Il ne s'agit pas d'une activité récurrente")).check()
    await page.fill("#parking_passes", "2")
    await member.check("reservation-saisie")
    await page.get_by_role("button", name="Réserver").click()
    done = page.locator("#resultat")
    await expect(done).to_contain_text(f"Réservation confirmée : Salle Garonne {suffix}")
    await expect(done).to_contain_text("de 14 h à 16 h 30")
    await expect(done).to_contain_text("Il vous reste 3 réservation(s)")
    await expect(done).to_contain_text("Parking TBM")
    await member.check("reservation-confirmee")

    staff: Person = await people("equipe-calendrier")
    await staff.sign_in("staff")
    calendar = await staff.visit(f"/equipe/calendrier?semaine={day.isoformat()}")
    room = calendar.locator("section", has_text=f"Salle Garonne {suffix}")
    await expect(room).to_contain_text("Atelier de découverte des métiers pour des lycéens")
    await expect(room.locator(f'a[href="/structures/{siren}"]')).to_be_visible()


async def test_m11_staff_convene_a_member_gives_its_proxy_and_staff_see_it(
    platform: Platform, people: Any, members: Members
) -> None:
    giver, holder = members.premium, members.simple
    title = f"Assemblée générale ordinaire {YEAR} — {uuid.uuid4().hex[:6]}"
    staff: Person = await people("equipe-ag")
    await staff.sign_in("staff")
    page = await staff.visit("/assemblees")
    await page.fill("#title", title)
    await page.fill("#agenda", "Rapport moral\nComptes de l'exercice\nÉlection du conseil")
    await page.get_by_role("button", name="Convoquer").click()
    await expect(page.get_by_text("Assemblée générale convoquée")).to_be_visible()
    await expect(page.get_by_role("heading", name=title)).to_be_visible()
    await staff.check("ag-convoquee")
    assembly_path = "/" + page.url.split("/", 3)[-1]
    assembly_id = assembly_path.rsplit("/", 1)[-1]

    extranet = await staff.visit("/equipe/extranet")
    await extranet.select_option("#kind", "assembly")
    await extranet.select_option("#assembly_id", assembly_id)
    await extranet.fill("#doc-title", "Rapport moral")
    await extranet.set_input_files(
        "#fichier",
        files=[{"name": "rapport-moral.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}],
    )
    await extranet.get_by_role("button", name="Publier").click()
    await expect(extranet.get_by_text("Document publié.")).to_be_visible()
    await staff.check("document-publie")

    member: Person = await people("adherent-ag")
    await member.sign_in("member", giver)
    mp = await member.visit("/adherent/assemblees")
    await mp.get_by_role("link", name=title).click()
    await expect(mp.get_by_role("link", name="Rapport moral")).to_be_visible()
    await mp.fill("#holder_siren", holder)
    await mp.get_by_role("button", name="Donner procuration").click()
    await expect(mp.get_by_text("Votre procuration est enregistrée")).to_be_visible()
    await expect(mp.locator("#votre-reponse")).to_contain_text("Vous avez donné procuration")
    await member.check("procuration-donnee")
    documents = await member.visit("/adherent/extranet")
    await expect(documents.get_by_role("link", name="Rapport moral")).to_be_visible()
    await member.visit("/adherent/badges")

    seen = await staff.visit(assembly_path)
    proxies = seen.locator("#procurations")
    await expect(proxies).to_contain_text("Procurations (1)")
    row = proxies.locator("tr", has_text=legal_name(giver))
    await expect(row).to_contain_text(legal_name(holder))
    await expect(row).to_contain_text("En cours")
