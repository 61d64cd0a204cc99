"""The member's space: status and rights until when, applying, invoices; only its own
structure's (X3); a part that does not answer is named and the rest still shows."""

from __future__ import annotations

import httpx
from conftest import Browser, Fakes, problem, text
from portal_samples import (
    MEMBER_SIREN,
    OTHER_SIREN,
    invoice,
    membership,
    page,
    rights,
    structure,
)


def _member_services(fakes: Fakes, **rights_changes: object) -> None:
    m = fakes.membership
    m.on("GET", f"/structures/{MEMBER_SIREN}", structure())
    m.on("GET", f"/rights/{MEMBER_SIREN}", rights(**rights_changes))  # type: ignore[arg-type]
    m.on("GET", f"/structures/{MEMBER_SIREN}/memberships", [membership()])
    m.on("GET", f"/structures/{MEMBER_SIREN}/applications", [])
    fakes.billing.on("GET", "/invoices", page([invoice()]))


async def test_m3_the_member_sees_its_status_and_until_when(browser: Browser, fakes: Fakes) -> None:
    _member_services(fakes)
    await browser.sign_in("member", MEMBER_SIREN)
    response = await browser.get("/adherent")
    assert response.status_code == 200
    assert "Adhérente" in text(response)
    assert "31 décembre 2026" in text(response)
    assert "Formations ParcoursPro" in text(response)
    assert "FA-2026-00007" in text(response)
    assert "100,00" in text(response)
    assert "Passer en formule premium" in text(response)  # simple and active: M10 possible


async def test_m4_a_renewal_under_way_shows_the_grace_until_15_february(
    browser: Browser, fakes: Fakes
) -> None:
    _member_services(fakes, status="grace", grace_until="2026-02-15", valid_until=None)
    await browser.sign_in("member", MEMBER_SIREN)
    response = await browser.get("/adherent")
    assert "renouvellement en cours" in text(response)
    assert "15 février 2026" in text(response)


async def test_billing_down_names_the_part_and_the_rest_shows(
    browser: Browser, fakes: Fakes
) -> None:
    _member_services(fakes)
    fakes.billing.down = True
    await browser.sign_in("member", MEMBER_SIREN)
    response = await browser.get("/adherent")
    assert response.status_code == 200
    assert "Momentanément indisponible" in text(response)
    assert "la facturation ne répond pas" in text(response)
    assert "31 décembre 2026" in text(response)  # membership still answered


async def test_x3_member_pages_ask_only_for_the_tokens_structure(
    browser: Browser, fakes: Fakes
) -> None:
    _member_services(fakes)
    await browser.sign_in("member", MEMBER_SIREN)
    await browser.get(f"/adherent?siren={OTHER_SIREN}")
    await browser.get(f"/adherent/factures?siren={OTHER_SIREN}")
    asked = fakes.membership.paths() + fakes.billing.paths()
    assert asked, "the pages called no service"
    assert not any(OTHER_SIREN in path for path in asked)
    assert all(r.url.params.get("siren") == MEMBER_SIREN for r in fakes.billing.requests), (
        "billing is always asked for the member's own invoices"
    )
    # and the bearer token the services see is the member's, scoped to its SIREN
    assert all(r.headers["authorization"].startswith("Bearer ") for r in fakes.billing.requests)


async def test_x3_another_structures_invoice_document_is_not_found(
    browser: Browser, fakes: Fakes
) -> None:
    fakes.billing.on(
        "GET", "/invoices/FA-2026-00099/pdf", problem(404, "not_found", resource="Invoice")
    )
    await browser.sign_in("member", MEMBER_SIREN)
    response = await browser.get("/adherent/factures/FA-2026-00099/pdf")
    assert response.status_code == 404
    assert "introuvable" in text(response)


async def test_the_members_own_invoice_document_downloads_as_pdf(
    browser: Browser, fakes: Fakes
) -> None:
    fakes.billing.on(
        "GET",
        "/invoices/FA-2026-00007/pdf",
        httpx.Response(200, content=b"%PDF-1.7 ...", headers={"content-type": "application/pdf"}),
    )
    await browser.sign_in("member", MEMBER_SIREN)
    response = await browser.get("/adherent/factures/FA-2026-00007/pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


async def test_x3_a_member_cannot_open_the_agencys_pages(browser: Browser, fakes: Fakes) -> None:
    _member_services(fakes)
    await browser.sign_in("member", MEMBER_SIREN)
    for path in ("/conseil", "/equipe", f"/structures/{OTHER_SIREN}", "/finances"):
        response = await browser.get(path)
        assert response.status_code == 403, path
        assert "réservée à un autre rôle" in text(response)
    assert fakes.membership.paths() == [p for p in fakes.membership.paths() if MEMBER_SIREN in p], (
        "no call made for the refused pages"
    )


async def test_m5_a_refused_application_is_explained_in_french(
    browser: Browser, fakes: Fakes
) -> None:
    _member_services(fakes)
    fakes.membership.on("GET", "/tariffs", [])
    fakes.membership.on("POST", "/applications", problem(422, "M5", "The three texts are required"))
    await browser.sign_in("member", MEMBER_SIREN)
    response = await browser.post(
        "/adherent/adhesion", {"year": "2026", "plan": "simple", "structure": "court"}
    )
    assert response.status_code == 422
    assert "présentation de la structure, de son activité et de ses motivations" in text(response)
    assert "court" in text(response), "what was typed is kept"
    sent = fakes.membership.sent()
    assert sent["siren"] == MEMBER_SIREN
    assert sent["texts"] == {"structure": "court"}


async def test_m5_an_application_goes_to_the_board(browser: Browser, fakes: Fakes) -> None:
    _member_services(fakes)
    fakes.membership.on(
        "POST",
        "/applications",
        httpx.Response(201, json={"kind": "new", "status": "pending_review"}),
    )
    await browser.sign_in("member", MEMBER_SIREN)
    response = await browser.post("/adherent/adhesion", {"year": "2026", "plan": "premium"})
    assert response.status_code == 303
    followed = await browser.get(response.headers["location"])
    assert "transmise au conseil d'administration" in text(followed)


async def test_an_unregistered_structure_is_offered_registration(
    browser: Browser, fakes: Fakes
) -> None:
    fakes.membership.on(
        "GET", f"/structures/{MEMBER_SIREN}", problem(404, "not_found", resource="Structure")
    )
    await browser.sign_in("member", MEMBER_SIREN)
    response = await browser.get("/adherent")
    assert "Enregistrer votre structure" in text(response)
    fakes.membership.on("POST", "/structures", problem(422, "M1", "outside Nouvelle-Aquitaine"))
    refused = await browser.post(
        "/adherent/structure",
        {
            "legal_name": "Maison de l'emploi",
            "legal_form": "association",
            "siret": f"{MEMBER_SIREN}00012",
            "address_line": "1 rue de Paris",
            "postal_code": "75001",
            "city": "Paris",
            "insee_code": "75101",
        },
    )
    assert refused.status_code == 422
    assert "Nouvelle-Aquitaine" in text(refused)
    assert fakes.membership.sent()["head_office"]["insee_code"] == "75101"
