"""The board decides new applications with their texts (M5) and reads the renewals (M6);
staff find a structure and see it whole, training and booking included when they answer."""

from __future__ import annotations

from conftest import Browser, Fakes, problem, text
from portal_samples import (
    MEMBER_SIREN,
    TEXT,
    application,
    invoice,
    membership,
    page,
    rights,
    structure,
)


async def test_m5_the_board_reads_the_three_texts_and_decides(
    browser: Browser, fakes: Fakes
) -> None:
    pending = application()
    fakes.membership.on("GET", "/applications", page([pending], total=23, limit=10))
    await browser.sign_in("board")
    response = await browser.get("/conseil")
    body = text(response)
    assert response.status_code == 200
    assert body.count(TEXT) == 3
    assert "Approuver l'adhésion" in body
    assert "Motif du refus" in body
    assert "Page 1 sur 3" in body
    assert fakes.membership.requests[-1].url.params["limit"] == "10"
    await browser.get("/conseil?page=3")
    assert fakes.membership.requests[-1].url.params["offset"] == "20"


async def test_m5_a_rejection_without_reason_is_explained(browser: Browser, fakes: Fakes) -> None:
    pending = application()
    fakes.membership.on(
        "POST", f"/applications/{pending['id']}/reject", problem(422, "M5", "a reason is required")
    )
    await browser.sign_in("board")
    response = await browser.post(f"/conseil/demandes/{pending['id']}/refuser", {"reason": ""})
    assert response.status_code == 303
    followed = await browser.get("/conseil")
    assert "un refus doit être motivé" in text(followed)


async def test_m6_the_renewals_summary(browser: Browser, fakes: Fakes) -> None:
    fakes.membership.on(
        "GET",
        "/reports/renewals/2027",
        {
            "year": 2027,
            "count": 1,
            "renewals": [
                {
                    "application_id": application()["id"],
                    "siren": MEMBER_SIREN,
                    "legal_name": "Mission Locale des Graves",
                    "plan": "premium",
                    "previous_plan": "simple",
                    "status": "processed",
                    "membership_state": "awaiting_payment",
                    "amount": "150.00",
                    "submitted_at": "2026-12-02T09:00:00Z",
                    "changes": ["plan simple → premium"],
                }
            ],
        },
    )
    await browser.sign_in("board")
    body = text(await browser.get("/conseil/renouvellements?annee=2027"))
    assert "Synthèse des renouvellements 2027" in body
    assert "Formule simple → premium" in body
    assert "150,00" in body


async def test_staff_search_by_name_siren_commune_with_a_fragment_for_htmx(
    browser: Browser, fakes: Fakes
) -> None:
    summary = {k: v for k, v in structure().items() if k != "establishments"}
    fakes.membership.on("GET", "/structures", page([summary]))
    await browser.sign_in("staff")
    full = await browser.get("/equipe?nom=graves&commune=Bordeaux")
    assert "Mission Locale des Graves" in text(full)
    asked = fakes.membership.requests[-1].url.params
    assert asked["name"] == "graves"
    assert asked["commune"] == "Bordeaux"
    fragment = await browser.get("/equipe?siren=356000000", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text
    assert f'href="/structures/{MEMBER_SIREN}"' in fragment.text
    bad = await browser.get("/equipe?siren=12")
    assert "Un SIREN compte 9 chiffres" in text(bad)


async def test_a_structures_page_shows_everything_and_names_what_is_missing(
    browser: Browser, fakes: Fakes
) -> None:
    m = fakes.membership
    m.on("GET", f"/structures/{MEMBER_SIREN}", structure())
    m.on("GET", f"/structures/{MEMBER_SIREN}/memberships", [membership(2025), membership(2026)])
    m.on("GET", f"/structures/{MEMBER_SIREN}/applications", [])
    m.on("GET", f"/rights/{MEMBER_SIREN}", rights())
    fakes.billing.on("GET", "/invoices", page([invoice(status="paid")]))
    fakes.training.down = True
    fakes.booking.down = True
    await browser.sign_in("staff")
    body = text(await browser.get(f"/structures/{MEMBER_SIREN}"))
    assert "Q-2025-0042" in body
    assert "30 juin 2027" in body
    assert "2025" in body
    assert "2026" in body
    assert "Payée" in body
    assert "les formations ParcoursPro ne répondent pas" in body
    assert "les réservations de salles ne répondent pas" in body


async def test_an_unknown_structure_is_a_404_page(browser: Browser, fakes: Fakes) -> None:
    fakes.membership.on(
        "GET", f"/structures/{MEMBER_SIREN}", problem(404, "not_found", resource="Structure")
    )
    await browser.sign_in("staff")
    response = await browser.get(f"/structures/{MEMBER_SIREN}")
    assert response.status_code == 404
