"""ParcoursPro and the Pessac site's pages against the routes and shapes of the training and
booking APIs: pre-registering (T2–T6, T10), the waiting list and why (T4, T5), what each
employee has left (T3), withdrawing and attendance (T7); booking with the B4 conditions, its
refusals explained (B1–B8), the TBM terms (B7), the staff calendar; a service down is named."""

from __future__ import annotations

import json
from urllib.parse import unquote

import httpx
from conftest import Browser, Fakes, problem, text
from portal_samples import (
    MEMBER_SIREN,
    OTHER_SIREN,
    ROOM_ID,
    SESSION_ID,
    booking,
    day_out,
    employee_year,
    enrollment,
    page,
    resource,
    session,
    structure,
)

ENROLMENT_FORM = {
    "first_name": "Léa",
    "last_name": "Dupont",
    "email": "Lea.Dupont@Example.org",
    "siret": f"{MEMBER_SIREN}00012",
}


def _training(fakes: Fakes, *, enrollments: list[dict[str, object]] | None = None) -> None:
    fakes.membership.on("GET", f"/structures/{MEMBER_SIREN}", structure())
    fakes.training.on("GET", "/sessions", page([session()], limit=10))
    fakes.training.on(
        "GET", f"/structures/{MEMBER_SIREN}/enrollments", page(enrollments or [], limit=20)
    )


async def test_t4_a_third_employee_waits_and_the_page_says_why(
    browser: Browser, fakes: Fakes
) -> None:
    _training(fakes)
    waiting = enrollment(3, "waiting", first_name="Léa", last_name="Dupont")
    fakes.training.on(
        "POST",
        f"/sessions/{SESSION_ID}/enrollments",
        httpx.Response(
            201,
            json={
                "outcome": "waiting",
                "position": 1,
                "waiting_reason": "T4",
                "enrollment": waiting,
            },
        ),
    )
    await browser.sign_in("member", MEMBER_SIREN)
    listed = text(await browser.get("/adherent/formations"))
    assert "Accueillir un public en situation de handicap" in listed
    assert "9 place(s) libre(s)" in listed
    response = await browser.post(
        f"/adherent/formations/sessions/{SESSION_ID}/inscriptions", ENROLMENT_FORM
    )
    body = text(response)
    assert response.status_code == 200
    assert "Léa Dupont est en liste d'attente" in body
    assert "à la place 1" in body
    assert "Deux salariés de la même structure sont déjà inscrits" in body
    assert fakes.training.sent() == {
        "first_name": "Léa",
        "last_name": "Dupont",
        "email": "lea.dupont@example.org",
        "siret": f"{MEMBER_SIREN}00012",
    }


async def test_t6_a_refused_pre_registration_says_when_it_closed(
    browser: Browser, fakes: Fakes
) -> None:
    _training(fakes)
    fakes.training.on(
        "POST",
        f"/sessions/{SESSION_ID}/enrollments",
        problem(422, "T6", "Pre-registration closed on 2026-03-30", deadline="2026-03-30"),
    )
    await browser.sign_in("member", MEMBER_SIREN)
    response = await browser.post(
        f"/adherent/formations/sessions/{SESSION_ID}/inscriptions", ENROLMENT_FORM
    )
    assert response.status_code == 422
    body = text(response)
    assert "Les préinscriptions sont closes" in body
    assert "Elles ont fermé le 30 mars 2026." in body
    assert "Pre-registration" not in body, "the service's English stays out of the page"


async def test_t3_each_employees_remaining_allowance(browser: Browser, fakes: Fakes) -> None:
    _training(fakes, enrollments=[enrollment(1), enrollment(2, "waiting")])
    for n, remaining in ((1, 3), (2, 4)):
        email = f"salarie{n}@example.org"
        fakes.training.on("GET", f"/employees/{email}/years/2026", employee_year(email, remaining))
    await browser.sign_in("member", MEMBER_SIREN)
    body = text(await browser.get("/adherent/formations"))
    assert "salarie1@example.org" in body
    assert "3 sur 4" in body
    assert "4 sur 4" in body
    looked_up = text(
        await browser.get("/adherent/formations/droits?courriel=Salarie1@Example.org&annee=2026")
    )
    assert "salarie1@example.org en 2026" in looked_up
    assert "3 action(s) restante(s)" in looked_up


async def test_t7_a_late_withdrawal_says_it_still_counts(browser: Browser, fakes: Fakes) -> None:
    _training(fakes, enrollments=[enrollment(1)])
    fakes.training.on("GET", "/employees/salarie1@example.org/years/2026", employee_year("x"))
    withdrawn = enrollment(1, "withdrawn", end_reason="withdrawn_late")
    fakes.training.on(
        "POST",
        f"/enrollments/{withdrawn['id']}/withdraw",
        {"counted": True, "reason": "withdrawn_late", "enrollment": withdrawn, "promoted": []},
    )
    await browser.sign_in("member", MEMBER_SIREN)
    await browser.get("/adherent/formations")
    response = await browser.post(
        f"/adherent/formations/inscriptions/{withdrawn['id']}/desistement"
    )
    assert response.status_code == 303
    followed = text(await browser.get(response.headers["location"]))
    assert "il reste compté dans la limite annuelle" in followed


async def test_t5_t7_staff_see_the_roster_in_order_and_record_attendance(
    browser: Browser, fakes: Fakes
) -> None:
    started = session(starts_on="2026-03-09", ends_on="2026-03-10")
    first_waiting = enrollment(4, "waiting", last_name="Martin", waiting_reason="full")
    second_waiting = enrollment(5, "waiting", last_name="Bernard", position=2)
    fakes.training.on(
        "GET",
        f"/sessions/{SESSION_ID}/roster",
        {
            "session": started,
            "places": [enrollment(1), enrollment(2)],
            "waiting": [first_waiting, second_waiting],
        },
    )
    place = enrollment(1)
    fakes.training.on(
        "PUT", f"/enrollments/{place['id']}/attendance", problem(409, "T7", "not a place")
    )
    await browser.sign_in("staff")
    body = text(await browser.get(f"/equipe/formations/sessions/{SESSION_ID}"))
    assert "Participants (2 sur 12)" in body
    assert body.index("Martin") < body.index("Bernard")
    assert "La session est complète" in body
    assert "Deux salariés de la même structure" in body
    refused = await browser.post(
        f"/equipe/formations/sessions/{SESSION_ID}/presences/{place['id']}",
        {"outcome": "absent_justified"},
    )
    assert fakes.training.sent("PUT") == {"attendance": "absent_justified"}
    followed = text(await browser.get(refused.headers["location"]))
    assert "Présence non enregistrée" in followed
    assert "la présence se saisit pour une place confirmée" in followed


async def test_t1_staff_list_every_session_and_add_an_action(
    browser: Browser, fakes: Fakes
) -> None:
    fakes.training.on(
        "GET", "/sessions", page([session(cancelled=True)], total=45, limit=20, offset=20)
    )
    fakes.training.on("GET", "/actions", page([]))
    fakes.training.on("POST", "/actions", httpx.Response(201, json={"id": "a"}))
    await browser.sign_in("staff")
    body = text(await browser.get("/equipe/formations?page=2"))
    asked = [r for r in fakes.training.requests if r.url.path == "/sessions"][-1].url.params
    assert (asked["include_closed"], asked["offset"], asked["limit"]) == ("true", "20", "20")
    assert "Annulée" in body
    assert "Page 2 sur 3" in body
    await browser.post(
        "/equipe/formations/actions",
        {
            "type": "training",
            "title": "Tutorat",
            "description": "Deux jours.",
            "duration_days": "2",
        },
    )
    assert fakes.training.sent() == {
        "type": "training",
        "title": "Tutorat",
        "description": "Deux jours.",
        "duration_days": 2,
        "remote": False,
    }


def _booking(fakes: Fakes) -> None:
    b = fakes.booking
    b.on("GET", "/resources", page([resource()]))
    b.on("GET", "/bookings", page([booking()]))
    b.on(
        "GET",
        f"/structures/{MEMBER_SIREN}/credits/2026",
        {"siren": MEMBER_SIREN, "year": 2026, "allowed": 5, "used": 1, "left": 4},
    )
    b.on(
        "GET",
        "/policies/2026",
        {
            "year": 2026,
            "room_credits": 5,
            "auditorium_price": "250.00",
            "studio_slots_per_participant": 3,
            "pattern_weeks": 3,
        },
    )
    b.on(
        "GET",
        f"/resources/{ROOM_ID}/availability",
        {"resource": resource(), "days": [day_out("2026-03-10")]},
    )


BOOKING_FORM = {
    "resource_id": ROOM_ID,
    "day": "2026-03-16",
    "start": "09:00",
    "end": "12:00",
    "purpose": "Atelier d'orientation pour des jeunes",
    "purpose_category": "guidance",
    "attendance": "12",
    "parking_passes": "2",
}


async def test_b4_b7_a_booking_needs_the_conditions_and_shows_the_tbm_terms(
    browser: Browser, fakes: Fakes
) -> None:
    _booking(fakes)
    terms = "Parking TBM : un badge à 1 € par véhicule et par jour, à retirer à l'accueil."
    fakes.booking.on(
        "POST",
        "/bookings",
        httpx.Response(
            201,
            json={
                **booking(),
                "credits_left": 3,
                "parking": {"passes": 2, "price_per_pass": "1.00", "terms": terms},
            },
        ),
    )
    await browser.sign_in("member", MEMBER_SIREN)
    shown = text(await browser.get("/adherent/reservations"))
    assert "4 réservation(s) restante(s)" in shown
    assert "250,00" in shown
    assert "8 h 30 à 18 h" in shown
    missing = await browser.post("/adherent/reservations", BOOKING_FORM)
    assert missing.status_code == 422
    assert "Cochez les deux engagements" in text(missing)
    assert not [r for r in fakes.booking.requests if r.method == "POST"]

    attested = {**BOOKING_FORM, "not_commercial": "oui", "not_recurring": "oui"}
    booked = text(await browser.post("/adherent/reservations", attested))
    assert "Réservation confirmée : Salle Garonne, le lundi 16 mars 2026 de 9 h à 12 h" in booked
    assert "Il vous reste 3 réservation(s)" in booked
    assert terms in booked
    assert fakes.booking.sent() == {
        "siren": MEMBER_SIREN,
        "resource_id": ROOM_ID,
        "date": "2026-03-16",
        "starts_at": "09:00",
        "ends_at": "12:00",
        "purpose": "Atelier d'orientation pour des jeunes",
        "purpose_category": "guidance",
        "commercial": False,
        "recurrence": "none",
        "attendance": 12,
        "parking_passes": 2,
        "participant_email": None,
    }


async def test_b2_b8_refusals_say_why_in_french(browser: Browser, fakes: Fakes) -> None:
    _booking(fakes)
    attested = {**BOOKING_FORM, "not_commercial": "oui", "not_recurring": "oui"}
    await browser.sign_in("member", MEMBER_SIREN)
    for answer, said in (
        (
            problem(422, "B8", "No booking", closed_because="public_holiday"),
            "Ce jour-là, c'est un jour férié.",
        ),
        (problem(422, "B2", "used", used=5, allowed=5), "Déjà utilisé : 5 sur 5."),
        (problem(409, "B5", "overlap"), "Ce créneau vient d'être réservé"),
    ):
        fakes.booking.on("POST", "/bookings", answer)
        refused = await browser.post("/adherent/reservations", attested)
        assert refused.status_code == 422
        assert said in text(refused)
        assert "Atelier d'orientation pour des jeunes" in text(refused), "the form is kept"


async def test_the_free_ranges_come_as_an_htmx_fragment(browser: Browser, fakes: Fakes) -> None:
    _booking(fakes)
    await browser.sign_in("member", MEMBER_SIREN)
    fragment = await browser.get(
        f"/adherent/reservations/disponibilites?resource_id={ROOM_ID}&day=2026-03-10",
        headers={"HX-Request": "true"},
    )
    assert "<html" not in fragment.text
    assert "Créneaux libres" in text(fragment)
    asked = fakes.booking.requests[-1].url.params
    assert (asked["on"], asked["days"]) == ("2026-03-10", "1")


async def test_b8_the_staff_calendar_shows_the_week_of_every_space(
    browser: Browser, fakes: Fakes
) -> None:
    held = booking()
    fakes.booking.on("GET", "/resources", page([resource(), resource(id="a", kind="auditorium")]))
    fakes.booking.on("GET", "/bookings", page([held]))
    week = [
        day_out(
            "2026-03-09",
            booked=[
                {
                    "starts_at": "09:00:00",
                    "ends_at": "12:00:00",
                    "booking_id": held["id"],
                    "siren": MEMBER_SIREN,
                }
            ],
        ),
        day_out("2026-03-10", open=False, closed_because="closure", free=[]),
    ]
    for rid in (ROOM_ID, "a"):
        fakes.booking.on(
            "GET", f"/resources/{rid}/availability", {"resource": resource(), "days": week}
        )
    await browser.sign_in("staff")
    body = text(await browser.get("/equipe/calendrier?semaine=2026-03-11"))
    assert "Semaine du 9 mars 2026 au 13 mars 2026" in body
    assert "Atelier d'orientation pour des jeunes (12 pers., 2 carte(s) TBM)" in body
    assert f'href="/structures/{MEMBER_SIREN}"' in body
    assert "Fermeture" in body
    listed = [r for r in fakes.booking.requests if r.url.path == "/bookings"][-1].url.params
    assert (listed["from"], listed["to"], listed["status"]) == (
        "2026-03-09",
        "2026-03-13",
        "active",
    )
    availability = [r for r in fakes.booking.requests if "availability" in r.url.path]
    assert {r.url.params["on"] for r in availability} == {"2026-03-09"}
    assert {r.url.params["days"] for r in availability} == {"5"}


async def test_training_or_booking_down_names_the_part_and_the_rest_shows(
    browser: Browser, fakes: Fakes
) -> None:
    _training(fakes)
    fakes.training.down = True
    await browser.sign_in("member", MEMBER_SIREN)
    response = await browser.get("/adherent/formations")
    assert response.status_code == 200
    assert "les formations ParcoursPro ne répondent pas" in text(response)
    fakes.booking.down = True
    booking_page = await browser.get("/adherent/reservations")
    assert booking_page.status_code == 200
    assert "les réservations de salles ne répondent pas" in text(booking_page)
    # the member's own space, built from membership and billing, still answers in full
    fakes.membership.on(
        "GET",
        f"/rights/{MEMBER_SIREN}",
        {"status": "active", "plan": "simple", "rights": {}, "valid_until": "2026-12-31"},
    )
    fakes.membership.on("GET", f"/structures/{MEMBER_SIREN}/memberships", [])
    fakes.membership.on("GET", f"/structures/{MEMBER_SIREN}/applications", [])
    fakes.billing.on("GET", "/invoices", page([]))
    space = text(await browser.get("/adherent"))
    assert "31 décembre 2026" in space
    assert "Momentanément indisponible" not in space


async def test_x3_training_and_booking_are_asked_only_for_the_members_structure(
    browser: Browser, fakes: Fakes
) -> None:
    _training(fakes)
    _booking(fakes)
    await browser.sign_in("member", MEMBER_SIREN)
    await browser.get(f"/adherent/formations?siren={OTHER_SIREN}")
    await browser.get(f"/adherent/reservations?siren={OTHER_SIREN}")
    attested = {**BOOKING_FORM, "not_commercial": "oui", "not_recurring": "oui"}
    fakes.booking.on("POST", "/bookings", problem(422, "B2", "premium"))
    await browser.post("/adherent/reservations", {**attested, "siren": OTHER_SIREN})
    asked = [unquote(str(r.url)) for r in fakes.training.requests + fakes.booking.requests]
    assert asked
    assert not any(OTHER_SIREN in url for url in asked)
    assert (
        json.loads([r for r in fakes.booking.requests if r.method == "POST"][-1].content)["siren"]
        == MEMBER_SIREN
    )
