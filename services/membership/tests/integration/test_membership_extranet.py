"""M11 over HTTP on the real database: the governing bodies' extranet is for members active or
in grace, refused from the day a membership lapses; documents are published, replaced and
withdrawn by staff; every download is logged."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from services.membership.tests.governance import members, new_year
from shared.auth import Role

pytestmark = pytest.mark.integration

PDF = b"%PDF-1.4\n% statuts de l'association\n%%EOF\n"
PDF_V2 = b"%PDF-1.4\n% statuts modifies par l'AG\n%%EOF\n"


def problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body: dict = response.json()
    assert body["code"] == code, body
    return body


async def publish(scenario, content: bytes = PDF, **params) -> dict:
    response = await scenario.client.post(
        "/extranet/documents",
        params={"kind": "statutes", "title": "Statuts", "filename": "statuts.pdf", **params},
        content=content,
        headers={**scenario.staff, "Content-Type": "application/pdf"},
    )
    assert response.status_code == 201, response.text
    body: dict = response.json()
    return body


async def test_m11_a_lapsed_member_is_refused_the_extranet_from_its_lapse_day(
    scenario, client
) -> None:
    """Member of a year without renewal: allowed on 31 December, refused from 1 January."""
    year = await new_year(scenario)
    [siren] = await members(scenario, year - 1, 1)
    document = await publish(scenario)
    member = scenario.member(siren)
    content = f"/extranet/documents/{document['id']}/content"

    scenario.at(date(year - 1, 12, 31))
    listed = await client.get("/extranet/documents", params={"limit": 500}, headers=member)
    assert listed.status_code == 200, listed.text
    assert document["id"] in {d["id"] for d in listed.json()["items"]}
    allowed = await client.get(content, headers=member)
    assert allowed.status_code == 200, allowed.text
    assert allowed.content == PDF

    for day in (date(year, 1, 1), date(year, 1, 2)):
        scenario.at(day)
        refused = problem(await client.get(content, headers=member), 422, "M11")
        assert refused["siren"] == siren
        assert refused["day"] == day.isoformat()
        problem(await client.get("/extranet/documents", headers=member), 422, "M11")
        problem(
            await client.get(f"/extranet/documents/{document['id']}", headers=member), 422, "M11"
        )

    log = await client.get("/extranet/downloads", params={"siren": siren}, headers=scenario.staff)
    assert [(d["document_id"], d["version"]) for d in log.json()["items"]] == [(document["id"], 1)]


async def test_m11_a_member_in_grace_reads_the_extranet_until_its_grace_ends(
    scenario, client
) -> None:
    """A renewal under way keeps access until 15 February; unpaid, refused on the 16th."""
    year = await new_year(scenario)
    [siren] = await members(scenario, year - 1, 1)
    document = await publish(scenario)
    scenario.at(date(year - 1, 12, 1))
    assert (await client.post(f"/campaigns/{year}", headers=scenario.staff)).status_code == 200
    await scenario.apply(siren, year)
    content = f"/extranet/documents/{document['id']}/content"

    scenario.at(date(year, 2, 15))
    assert (await client.get(content, headers=scenario.member(siren))).status_code == 200
    scenario.at(date(year, 2, 16))
    problem(await client.get(content, headers=scenario.member(siren)), 422, "M11")


async def test_m11_documents_are_replaced_and_withdrawn_and_every_download_logged(
    scenario, client
) -> None:
    year = await new_year(scenario)
    [siren] = await members(scenario, year, 1)
    member = scenario.member(siren)
    document = await publish(scenario, title="Statuts de l'association")
    assert document["current"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert document["current"]["size"] == len(PDF)

    replaced = await client.post(
        f"/extranet/documents/{document['id']}/versions",
        params={"filename": "statuts-2.pdf"},
        content=PDF_V2,
        headers={**scenario.staff, "Content-Type": "application/pdf"},
    )
    assert replaced.status_code == 201, replaced.text
    assert [v["number"] for v in replaced.json()["versions"]] == [1, 2]
    same = await client.post(
        f"/extranet/documents/{document['id']}/versions",
        params={"filename": "statuts-2.pdf"},
        content=PDF_V2,
        headers={**scenario.staff, "Content-Type": "application/pdf"},
    )
    problem(same, 409, "conflict")

    seen = await client.get(f"/extranet/documents/{document['id']}", headers=member)
    assert seen.json()["current"]["number"] == 2
    assert seen.json()["versions"] is None
    content = f"/extranet/documents/{document['id']}/content"
    current = await client.get(content, headers=member)
    assert current.content == PDF_V2
    assert current.headers["content-disposition"] == 'attachment; filename="statuts-2.pdf"'
    problem(await client.get(content, params={"version": 1}, headers=member), 404, "not_found")
    earlier = await client.get(content, params={"version": 1}, headers=scenario.staff)
    assert earlier.content == PDF

    withdrawn = await client.post(
        f"/extranet/documents/{document['id']}/withdraw",
        json={"reason": "Remplacés par les statuts votés en AG"},
        headers=scenario.staff,
    )
    assert withdrawn.status_code == 200, withdrawn.text
    problem(await client.get(content, headers=member), 404, "not_found")
    listed = await client.get("/extranet/documents", params={"limit": 500}, headers=member)
    assert document["id"] not in {d["id"] for d in listed.json()["items"]}
    kept = await client.get(
        "/extranet/documents", params={"limit": 500, "kind": "statutes"}, headers=scenario.board
    )
    [mine] = [d for d in kept.json()["items"] if d["id"] == document["id"]]
    assert mine["withdrawal_reason"] == "Remplacés par les statuts votés en AG"

    log = await client.get(
        "/extranet/downloads", params={"document_id": document["id"]}, headers=scenario.staff
    )
    lines = {(d["siren"], d["version"], d["sha256"]) for d in log.json()["items"]}
    assert lines == {
        (siren, 2, hashlib.sha256(PDF_V2).hexdigest()),
        (None, 1, hashlib.sha256(PDF).hexdigest()),
    }


async def test_m11_the_extranet_takes_documents_of_its_kinds_and_sizes(
    scenario, client, runtime, monkeypatch
) -> None:
    staff = scenario.staff
    wrong_type = await client.post(
        "/extranet/documents",
        params={"kind": "events", "title": "Agenda", "filename": "agenda.txt"},
        content=b"rendez-vous",
        headers={**staff, "Content-Type": "text/plain"},
    )
    problem(wrong_type, 415, "unsupported_media_type")
    monkeypatch.setattr(runtime.settings.governance, "extranet_max_file_bytes", len(PDF))
    problem(
        await client.post(
            "/extranet/documents",
            params={"kind": "events", "title": "Agenda", "filename": "agenda.pdf"},
            content=PDF + b" ",
            headers={**staff, "Content-Type": "application/pdf"},
        ),
        413,
        "too_large",
    )
    await publish(scenario, kind="events", title="Agenda")  # exactly at the limit
    problem(
        await client.post(
            "/extranet/documents",
            params={"kind": "assembly", "title": "Convocation", "filename": "c.pdf"},
            content=PDF,
            headers={**staff, "Content-Type": "application/pdf"},
        ),
        422,
        "validation",
    )
    problem(
        await client.post(
            "/extranet/documents",
            params={
                "kind": "assembly",
                "title": "Convocation",
                "filename": "c.pdf",
                "assembly_id": "00000000-0000-4000-8000-000000000000",
            },
            content=PDF,
            headers={**staff, "Content-Type": "application/pdf"},
        ),
        404,
        "not_found",
    )
    problem(await client.get("/extranet/documents", headers=scenario.auth(Role.FINANCE)), 403, "X3")
    outsider = await scenario.register()
    problem(await client.get("/extranet/documents", headers=scenario.member(outsider)), 422, "M11")
