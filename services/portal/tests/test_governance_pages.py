"""The General Assembly, the extranet and the badges (M11) against membership's governance
API: staff convene, a member attends or gives its proxy (for its own structure only, X3), staff
read the answers; the extranet refused to a lapsed member is explained; a badge's credential
downloads."""

from __future__ import annotations

import httpx
from conftest import Browser, Fakes, problem, text
from portal_samples import MEMBER_SIREN, OTHER_SIREN, page

ASSEMBLY_ID = "1e9a0c8e-1f7e-4a55-8f59-3c5f0f0a1e01"


def assembly(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "id": ASSEMBLY_ID,
        "title": "Assemblée générale ordinaire 2026",
        "held_on": "2026-04-02",
        "starts_at": "14:00:00",
        "state": "convened",
        "second_convocation": False,
        "convened_on": "2026-03-10",
        "address": "Cap Métiers, 102 avenue de Canéjan, 33600 Pessac",
        "remote_link": None,
        "agenda": ["Rapport moral", "Comptes 2025"],
        "document_ids": [],
        "quorum": None,
        "opened_at": None,
        "closed_at": None,
        "attendances": None,
        "proxies": None,
        "signatures": None,
        "answer": None,
    }
    body.update(changes)
    return body


def answer(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "assembly_id": ASSEMBLY_ID,
        "siren": MEMBER_SIREN,
        "attends": None,
        "proxy_holder": None,
        "proxies_held": [],
        "signed": False,
    }
    body.update(changes)
    return body


async def test_m11_staff_convene_with_the_agenda_one_item_a_line(
    browser: Browser, fakes: Fakes
) -> None:
    fakes.membership.on("GET", "/assemblies", page([]))
    fakes.membership.on("GET", "/extranet/documents", page([]))
    fakes.membership.on("POST", "/assemblies", httpx.Response(201, json=assembly()))
    await browser.sign_in("staff")
    form = text(await browser.get("/assemblees"))
    assert "Convoquer l'assemblée générale" in form
    response = await browser.post(
        "/assemblees",
        {
            "title": "Assemblée générale ordinaire 2026",
            "held_on": "2026-04-02",
            "starts_at": "14:00",
            "address": "Pessac",
            "agenda": "Rapport moral\r\n\r\n  Comptes 2025 \r\n",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/assemblees/{ASSEMBLY_ID}"
    assert fakes.membership.sent() == {
        "title": "Assemblée générale ordinaire 2026",
        "held_on": "2026-04-02",
        "starts_at": "14:00",
        "address": "Pessac",
        "remote_link": None,
        "agenda": ["Rapport moral", "Comptes 2025"],
        "second_convocation": False,
        "document_ids": [],
    }


async def test_m11_a_convocation_short_of_notice_is_explained(
    browser: Browser, fakes: Fakes
) -> None:
    fakes.membership.on("POST", "/assemblies", problem(422, "M11", "notice"))
    fakes.membership.on("GET", "/assemblies", page([]))
    fakes.membership.on("GET", "/extranet/documents", page([]))
    await browser.sign_in("staff")
    refused = await browser.post(
        "/assemblees",
        {"title": "AG", "held_on": "2026-03-12", "starts_at": "14:00", "agenda": "Comptes"},
    )
    followed = text(await browser.get(refused.headers["location"]))
    assert "Assemblée générale non convoquée" in followed
    assert "délais de convocation" in followed


async def test_m11_x3_a_member_gives_its_own_proxy_and_sees_it(
    browser: Browser, fakes: Fakes
) -> None:
    given = answer(proxy_holder=OTHER_SIREN)
    fakes.membership.on("GET", f"/assemblies/{ASSEMBLY_ID}", assembly(answer=given))
    fakes.membership.on("GET", "/extranet/documents", page([]))
    fakes.membership.on("PUT", f"/assemblies/{ASSEMBLY_ID}/answers/{MEMBER_SIREN}", given)
    await browser.sign_in("member", MEMBER_SIREN)
    await browser.get(f"/adherent/assemblees/{ASSEMBLY_ID}")
    response = await browser.post(
        f"/adherent/assemblees/{ASSEMBLY_ID}/reponse",
        {"answer": "proxy", "holder_siren": "732 829 320", "siren": OTHER_SIREN},
    )
    assert fakes.membership.sent("PUT") == {"answer": "proxy", "holder_siren": OTHER_SIREN}
    assert all(
        r.url.path.endswith(f"/answers/{MEMBER_SIREN}")
        for r in fakes.membership.requests
        if r.method == "PUT"
    )
    followed = text(await browser.get(response.headers["location"]))
    assert "Votre procuration est enregistrée" in followed
    assert "Vous avez donné procuration à la structure de SIREN" in followed


async def test_m11_a_holder_at_its_limit_is_explained(browser: Browser, fakes: Fakes) -> None:
    fakes.membership.on("GET", f"/assemblies/{ASSEMBLY_ID}", assembly(answer=answer()))
    fakes.membership.on("GET", "/extranet/documents", page([]))
    fakes.membership.on(
        "PUT",
        f"/assemblies/{ASSEMBLY_ID}/answers/{MEMBER_SIREN}",
        problem(422, "M11", "holds 2 proxies"),
    )
    await browser.sign_in("member", MEMBER_SIREN)
    response = await browser.post(
        f"/adherent/assemblees/{ASSEMBLY_ID}/reponse",
        {"answer": "proxy", "holder_siren": OTHER_SIREN},
    )
    followed = text(await browser.get(response.headers["location"]))
    assert "Réponse non enregistrée" in followed
    assert "procurations" in followed


async def test_m11_staff_see_who_attends_and_who_gave_a_proxy(
    browser: Browser, fakes: Fakes
) -> None:
    proxy = {
        "giver": MEMBER_SIREN,
        "giver_name": "Mission Locale des Graves",
        "holder": OTHER_SIREN,
        "holder_name": "Maison de l'emploi du Médoc",
        "given_at": "2026-03-10T09:00:00Z",
        "status": "active",
        "ended_at": None,
    }
    fakes.membership.on(
        "GET",
        f"/assemblies/{ASSEMBLY_ID}",
        assembly(attendances=[], proxies=[proxy], signatures=[]),
    )
    fakes.membership.on(
        "GET",
        f"/assemblies/{ASSEMBLY_ID}/quorum",
        {
            "assembly_id": ASSEMBLY_ID,
            "state": "convened",
            "now": {
                "eligible": 40,
                "present": 0,
                "represented": 0,
                "counted": 0,
                "required": 10,
                "reached": False,
                "share": "0.25",
                "second_convocation": False,
            },
            "recorded": None,
        },
    )
    fakes.membership.on("GET", "/extranet/documents", page([]))
    await browser.sign_in("staff")
    body = text(await browser.get(f"/assemblees/{ASSEMBLY_ID}"))
    assert "Procurations (1)" in body
    assert "Mission Locale des Graves" in body
    assert "Maison de l'emploi du Médoc" in body
    assert "0 sur 40 structure(s) adhérente(s) ; 10 requise(s)" in body


async def test_m11_the_extranet_refused_to_a_lapsed_member_says_why(
    browser: Browser, fakes: Fakes
) -> None:
    fakes.membership.on("GET", "/extranet/documents", problem(422, "M11", "not a member today"))
    await browser.sign_in("member", MEMBER_SIREN)
    response = await browser.get("/adherent/extranet")
    assert response.status_code == 200
    assert "assemblée générale ou les badges" in text(response)


async def test_m11_a_badges_signed_credential_downloads(browser: Browser, fakes: Fakes) -> None:
    award = "2f9a0c8e-1f7e-4a55-8f59-3c5f0f0a1e01"
    fakes.membership.on("GET", f"/badges/{award}", {"id": award, "credential": "eyJ.a.b"})
    fakes.membership.on("GET", "/badges", page([]))
    await browser.sign_in("member", MEMBER_SIREN)
    listed = await browser.get("/adherent/badges")
    assert fakes.membership.requests[-1].url.params["siren"] == MEMBER_SIREN
    assert "pas encore de badge" in text(listed)
    response = await browser.get(f"/adherent/badges/{award}/attestation")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vc+jwt"
    assert response.content == b"eyJ.a.b"
