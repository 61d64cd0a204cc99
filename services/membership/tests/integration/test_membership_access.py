"""X3 and bad input: another structure's member never sees data; every bad request is a 4xx
problem with a code, never a 500."""

from __future__ import annotations

import json
from datetime import date
from uuid import uuid4

import pytest

from membership.app import create_app
from services.membership.tests.conftest import TEXT, TEXTS, new_siren, siret_of
from shared.auth import Role

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"


def problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["code"] == code, body
    return body


async def test_x3_another_structures_member_gets_404_on_every_structure_endpoint(
    scenario, client, runtime
) -> None:
    owner, intruder = await scenario.register(), await scenario.register()
    application = await scenario.apply(owner, 2026)
    theirs = scenario.member(intruder)
    head_office = scenario.structure_body(owner)["head_office"]["siret"]
    branch = siret_of(owner, 2)
    added = await client.post(
        f"/structures/{owner}/beneficiaries",
        json={"siret": branch, "name": "Antenne"},
        headers=scenario.member(owner),
    )
    assert added.status_code == 201, added.text
    convened = await client.post(
        "/assemblies",
        json={
            "title": "AG",
            "held_on": "2026-06-12",
            "starts_at": "14:00:00",
            "address": "Pessac",
            "agenda": ["Rapport moral"],
        },
        headers=scenario.staff,
    )
    assembly = convened.json()["id"]
    calls = [
        ("POST", "/structures", "/structures", scenario.structure_body(owner)),
        (
            "PUT",
            "/assemblies/{assembly_id}/answers/{siren}",
            f"/assemblies/{assembly}/answers/{owner}",
            {"answer": "proxy", "holder_siren": intruder},
        ),
        (
            "DELETE",
            "/assemblies/{assembly_id}/answers/{siren}/proxy",
            f"/assemblies/{assembly}/answers/{owner}/proxy",
            None,
        ),
        ("GET", "/structures/{siren}", f"/structures/{owner}", None),
        ("PATCH", "/structures/{siren}", f"/structures/{owner}", {"email": "x@example.org"}),
        ("GET", "/structures/{siren}/memberships", f"/structures/{owner}/memberships", None),
        ("GET", "/structures/{siren}/applications", f"/structures/{owner}/applications", None),
        (
            "POST",
            "/structures/{siren}/beneficiaries",
            f"/structures/{owner}/beneficiaries",
            {"siret": siret_of(owner, 3), "name": "Antenne"},
        ),
        (
            "DELETE",
            "/structures/{siren}/beneficiaries/{siret}",
            f"/structures/{owner}/beneficiaries/{branch}",
            None,
        ),
        (
            "PUT",
            "/structures/{siren}/qualiopi",
            f"/structures/{owner}/qualiopi",
            {"certificate_number": "Q-1", "valid_until": "2027-01-01"},
        ),
        ("DELETE", "/structures/{siren}/qualiopi", f"/structures/{owner}/qualiopi", None),
        (
            "POST",
            "/structures/{siren}/upgrade",
            f"/structures/{owner}/upgrade",
            {"plan": "premium"},
        ),
        ("GET", "/rights/{identifier}", f"/rights/{owner}", None),
        ("GET", "/rights/{identifier}", f"/rights/{head_office}", None),
        ("GET", "/rights/{identifier}", f"/rights/{branch}", None),
        (
            "POST",
            "/applications",
            "/applications",
            {"siren": owner, "year": 2026, "plan": "simple"},
        ),
        (
            "GET",
            "/applications/{application_id}",
            f"/applications/{application['id']}",
            None,
        ),
    ]
    for method, _, url, body in calls:
        response = await client.request(method, url, json=body, headers=theirs)
        seen = problem(response, 404, "not_found")
        assert owner not in str(seen.get("legal_name", "")), (method, url)
        assert "Structure " + owner not in response.text, (method, url)
    # Every operation a member may call about a structure is in the list above.
    members_may_call = {
        (method.upper(), path)
        for path, item in create_app(runtime).openapi()["paths"].items()
        for method, operation in item.items()
        if ("{siren}" in path or "{identifier}" in path or "{application_id}" in path)
        and method != "parameters"
        and path.split("/")[-1] not in ("approve", "reject")
    }
    members_may_call |= {("POST", "/structures"), ("POST", "/applications")}
    assert {(method, path) for method, path, _, _ in calls} == members_may_call
    # Nothing was changed for the owner.
    structure = await client.get(f"/structures/{owner}", headers=scenario.member(owner))
    assert structure.json()["email"] == f"contact-{owner}@example.org"
    assert branch in [e["siret"] for e in structure.json()["establishments"]]


async def test_a_json_body_sent_as_text_is_a_415_problem(scenario, client) -> None:
    siren = await scenario.register()
    body = json.dumps({"siren": siren, "year": 2026, "plan": "simple", "texts": TEXTS})
    for content_type in ("text/plain", "text/plain; charset=utf-8", ""):
        response = await client.post(
            "/applications",
            content=body,
            headers={**scenario.member(siren), "Content-Type": content_type},
        )
        seen = problem(response, 415, "unsupported_media_type")
        assert "application/json" in seen["detail"]
    assert (await scenario.rights(siren))["status"] == "none"


async def test_x3_roles_each_do_only_their_part(scenario, client) -> None:
    siren = await scenario.register()
    application = await scenario.apply(siren, 2026)
    member = scenario.member(siren)
    finance = scenario.auth(Role.FINANCE)
    # A member does not decide, list applications, run the scheduler or set tariffs.
    problem(
        await client.post(f"/applications/{application['id']}/approve", headers=member), 403, "X3"
    )
    problem(await client.get("/applications", headers=member), 403, "X3")
    problem(await client.get("/reports/renewals/2026", headers=member), 403, "X3")
    problem(await client.post("/lapses/run", json={}, headers=member), 403, "X3")
    problem(await client.post("/campaigns/2027", headers=member), 403, "X3")
    problem(
        await client.put(
            "/tariffs/2026",
            json={"simple": "1.00", "premium": "2.00", "upgrade": "1.00"},
            headers=member,
        ),
        403,
        "X3",
    )
    # Staff do not decide applications; the board does not manage structures.
    problem(
        await client.post(f"/applications/{application['id']}/approve", headers=scenario.staff),
        403,
        "X3",
    )
    problem(
        await client.post(
            "/structures", json=scenario.structure_body(siren), headers=scenario.board
        ),
        403,
        "X3",
    )
    problem(
        await client.post(
            "/applications", json={"siren": siren, "year": 2026, "plan": "simple"}, headers=finance
        ),
        403,
        "X3",
    )
    # Without a token, or with a forged one: 401.
    problem(await client.get(f"/structures/{siren}"), 401, "X3")
    problem(
        await client.get(f"/structures/{siren}", headers={"Authorization": "Bearer nonsense"}),
        401,
        "X3",
    )
    # The owner, the board and finance may read.
    for headers in (member, scenario.board, finance):
        assert (await client.get(f"/structures/{siren}", headers=headers)).status_code == 200


async def test_bad_input_is_a_problem_with_a_code(scenario, client) -> None:
    siren = await scenario.register()
    staff, board = scenario.staff, scenario.board
    member = scenario.member(siren)
    unknown = str(uuid4())
    body = scenario.structure_body
    cases = [
        # malformed identifiers
        (await client.get("/structures/123456789", headers=staff), 422, "M1"),
        (await client.get("/structures/abc", headers=staff), 422, "validation"),
        (await client.get("/rights/12345678901234", headers=staff), 422, "M1"),
        (await client.get("/rights/xyz", headers=staff), 422, "validation"),
        (await client.post("/structures", json=body("732829321"), headers=staff), 422, "M1"),
        (
            await client.post(
                "/structures",
                json={**body(siren), "head_office": {**body(siren)["head_office"], "siret": "1"}},
                headers=staff,
            ),
            422,
            "M1",
        ),
        # region, postal code, INSEE code
        (
            await client.post("/structures", json=body(new_siren(), insee="85191"), headers=staff),
            422,
            "M1",
        ),
        (
            await client.post("/structures", json=body(new_siren(), insee="ZZ"), headers=staff),
            422,
            "M1",
        ),
        (
            await client.post(
                "/structures",
                json={**body(new_siren()), "training_organisation": True},
                headers=staff,
            ),
            422,
            "M9",
        ),
        (await client.post("/structures", json={"siren": siren}, headers=staff), 422, "validation"),
        (await client.post("/structures", json=body(siren), headers=staff), 409, "conflict"),
        # applications
        (
            await client.post(
                "/applications", json={"siren": siren, "year": 2026, "plan": "gold"}, headers=member
            ),
            422,
            "M2",
        ),
        (
            await client.post(
                "/applications",
                json={"siren": siren, "year": 2026, "plan": "simple", "texts": {"structure": "x"}},
                headers=member,
            ),
            422,
            "M5",
        ),
        (
            await client.post(
                "/applications",
                json={"siren": siren, "year": 2031, "plan": "simple"},
                headers=member,
            ),
            422,
            "M3",
        ),
        (
            await client.post(
                "/applications",
                json={"siren": siren, "year": 2027, "plan": "simple"},
                headers=member,
            ),
            422,
            "M8",
        ),
        (
            await client.post(
                "/applications",
                json={"siren": siren, "year": 99999, "plan": "simple"},
                headers=member,
            ),
            422,
            "M3",
        ),
        (
            await client.post(
                "/applications",
                json={"siren": siren, "year": "next", "plan": "simple"},
                headers=member,
            ),
            422,
            "validation",
        ),
        (
            await client.post(
                "/applications",
                json={"siren": new_siren(), "year": 2026, "plan": "simple"},
                headers=staff,
            ),
            404,
            "not_found",
        ),
        (await client.get(f"/applications/{unknown}", headers=staff), 404, "not_found"),
        (await client.get("/applications/not-a-uuid", headers=staff), 422, "validation"),
        (await client.post(f"/applications/{unknown}/approve", headers=board), 404, "not_found"),
        (
            await client.post(
                f"/applications/{unknown}/reject", json={"reason": "x"}, headers=board
            ),
            404,
            "not_found",
        ),
        (await client.get("/applications?status=whatever", headers=board), 422, "validation"),
        # dates, years
        (await client.get(f"/rights/{siren}?on=2026-02-30", headers=staff), 422, "validation"),
        (await client.get(f"/rights/{siren}?on=1800-01-01", headers=staff), 422, "M3"),
        (await client.get("/reports/renewals/12", headers=board), 422, "validation"),
        (await client.post("/lapses/run", json={"on": "2030-01-01"}, headers=staff), 422, "M4"),
        (
            await client.post("/lapses/run", json={"on": "tomorrow"}, headers=staff),
            422,
            "validation",
        ),
        (await client.get("/tariffs/1999", headers=staff), 422, "validation"),
        (await client.get("/tariffs/2099", headers=staff), 404, "not_found"),
        (
            await client.put(
                "/tariffs/2030",
                json={"simple": "-5", "premium": "150", "upgrade": "50"},
                headers=staff,
            ),
            422,
            "validation",
        ),
        (await client.get("/campaigns/2099/calls", headers=staff), 404, "not_found"),
        # beneficiaries, Qualiopi, upgrade
        (
            await client.post(
                f"/structures/{siren}/beneficiaries",
                json={"siret": "55210055400013", "name": "Ailleurs"},
                headers=member,
            ),
            422,
            "M7",
        ),
        (
            await client.delete(
                f"/structures/{siren}/beneficiaries/55210055400013", headers=member
            ),
            404,
            "not_found",
        ),
        (
            await client.put(
                f"/structures/{siren}/qualiopi",
                json={"certificate_number": "Q-1", "valid_until": "someday"},
                headers=member,
            ),
            422,
            "validation",
        ),
        (
            await client.post(
                f"/structures/{siren}/upgrade", json={"plan": "premium"}, headers=member
            ),
            422,
            "M10",
        ),
        (
            await client.post(
                f"/structures/{siren}/upgrade", json={"plan": "platinum"}, headers=member
            ),
            422,
            "M2",
        ),
        (await client.get(f"/structures/{new_siren()}", headers=staff), 404, "not_found"),
    ]
    for response, status, code in cases:
        problem(response, status, code)


async def test_m1_text_with_a_nul_character_is_a_422_problem(scenario, client) -> None:
    siren = await scenario.register()
    member = scenario.member(siren)
    for patch in ({"legal_name": "A\u0000B"}, {"phone": "05\u000056"}, {"postal_code": "33\u0000"}):
        problem(
            await client.patch(f"/structures/{siren}", json=patch, headers=member),
            422,
            "validation",
        )
    problem(
        await client.post(
            "/applications",
            json={
                "siren": siren,
                "year": 2026,
                "plan": "simple",
                "texts": {**TEXTS, "activity": TEXT + "\u0000"},
            },
            headers=member,
        ),
        422,
        "validation",
    )
    application = await scenario.apply(siren, 2026)
    problem(
        await client.post(
            f"/applications/{application['id']}/reject",
            json={"reason": "Hors du champ\u0000"},
            headers=scenario.board,
        ),
        422,
        "validation",
    )
    assert (await client.get(f"/structures/{siren}", headers=member)).json()["legal_name"] == (
        f"Structure {siren}"
    )


async def test_m7_removing_a_beneficiary_by_a_bad_siret_is_a_problem(scenario, client) -> None:
    siren = await scenario.register()
    member = scenario.member(siren)
    # The structure's own SIRET with its check digit changed: 14 digits that fail Luhn (M1).
    valid = siret_of(siren)
    failing = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    for bad in ("123", "abc%00def", "%00", failing, "1" * 21):
        response = await client.delete(f"/structures/{siren}/beneficiaries/{bad}", headers=member)
        assert 400 <= response.status_code < 500, (bad, response.text)
        assert response.headers["content-type"].startswith(PROBLEM), bad
        assert response.json()["code"] in ("M1", "validation"), bad
    problem(
        await client.delete(f"/structures/{siren}/beneficiaries/{failing}", headers=member),
        422,
        "M1",
    )


async def test_duplicate_application_for_a_year_is_a_conflict(scenario, client) -> None:
    siren = await scenario.register()
    await scenario.member_of(siren, 2026)
    again = await client.post(
        "/applications",
        json={"siren": siren, "year": 2026, "plan": "premium"},
        headers=scenario.member(siren),
    )
    problem(again, 409, "M3")
    scenario.at(date(2026, 3, 1))
    assert (await scenario.rights(siren))["status"] == "active"
