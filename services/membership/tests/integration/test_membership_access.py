"""X3 and bad input: another structure's member never sees data; every bad request is a 4xx
problem with a code, never a 500."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from services.membership.tests.conftest import TEXT, TEXTS, new_siren
from shared.auth import Role

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"


def problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["code"] == code, body
    return body


async def test_x3_another_structures_member_gets_no_data(scenario, client) -> None:
    owner, intruder = await scenario.register(), await scenario.register()
    application = await scenario.apply(owner, 2026)
    theirs = scenario.member(intruder)
    branch = scenario.structure_body(owner)["head_office"]["siret"]
    for method, url, body in [
        ("GET", f"/structures/{owner}", None),
        ("GET", f"/structures/{owner}/memberships", None),
        ("GET", f"/rights/{owner}", None),
        ("GET", f"/rights/{branch}", None),
        ("GET", f"/applications/{application['id']}", None),
        ("POST", "/applications", {"siren": owner, "year": 2026, "plan": "simple"}),
        ("POST", f"/structures/{owner}/beneficiaries", {"siret": branch, "name": "Antenne"}),
        ("DELETE", f"/structures/{owner}/beneficiaries/{branch}", None),
        (
            "PUT",
            f"/structures/{owner}/qualiopi",
            {"certificate_number": "Q-1", "valid_until": "2027-01-01"},
        ),
        ("POST", f"/structures/{owner}/upgrade", {"plan": "premium"}),
        ("POST", "/structures", scenario.structure_body(owner)),
    ]:
        response = await client.request(method, url, json=body, headers=theirs)
        body_seen = problem(response, 404, "not_found")
        assert owner not in str(body_seen.get("legal_name", "")), (method, url)
        assert "Structure " + owner not in response.text, (method, url)


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
        (await client.get("/structures/abc", headers=staff), 422, "M1"),
        (await client.get("/rights/12345678901234", headers=staff), 422, "M1"),
        (await client.get("/rights/xyz", headers=staff), 422, "M1"),
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
    for bad in ("123", "abc%00def", "%00", f"{siren}00000", "1" * 21):
        response = await client.delete(f"/structures/{siren}/beneficiaries/{bad}", headers=member)
        assert 400 <= response.status_code < 500, (bad, response.text)
        assert response.headers["content-type"].startswith(PROBLEM), bad
        assert response.json()["code"] in ("M1", "validation"), bad
    problem(
        await client.delete(f"/structures/{siren}/beneficiaries/{siren}00000", headers=member),
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
