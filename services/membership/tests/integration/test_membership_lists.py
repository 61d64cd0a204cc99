"""The lists of staff and the board: paged, filtered by what they filter (X3: no member)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

pytestmark = pytest.mark.integration


async def page_of(client, scenario, path: str, **params: Any) -> dict[str, Any]:
    response = await client.get(path, params=params, headers=scenario.staff)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"items", "total", "limit", "offset"}
    return body


async def test_structures_by_name_siren_and_commune(scenario, client) -> None:
    tag = uuid.uuid4().hex[:8]
    bordeaux = await scenario.register(legal_name=f"Mission locale {tag} Bordeaux")
    pessac = await scenario.register(legal_name=f"Mission Locale {tag} Pessac", insee="33318")
    other = await scenario.register(legal_name=f"CIO {tag}")

    async def sirens(**params: Any) -> list[str]:
        body = await page_of(client, scenario, "/structures", limit=500, **params)
        return [s["siren"] for s in body["items"]]

    assert sorted(await sirens(name=f"MISSION LOCALE {tag}")) == sorted([bordeaux, pessac])
    assert await sirens(name=tag, siren=other) == [other]
    # Every head office is in the city of Bordeaux (the scenario's address), one under
    # Pessac's INSEE code.
    assert set(await sirens(name=tag, commune="bordeaux")) == {bordeaux, pessac, other}
    assert await sirens(name=tag, commune="33318") == [pessac]
    assert set(await sirens(name=tag, commune="33063")) == {bordeaux, other}
    assert await sirens(name=tag, commune="Pessac") == []
    assert await sirens(name=f"{tag}%") == []  # a wildcard is a character like another
    paged = await page_of(client, scenario, "/structures", name=tag, limit=1, offset=1)
    assert (paged["total"], paged["limit"], paged["offset"], len(paged["items"])) == (3, 1, 1, 1)
    item = paged["items"][0]
    assert set(item) >= {"siren", "legal_name", "city", "insee_code", "head_office_siret"}


async def test_memberships_by_year_status_and_plan(scenario, client) -> None:
    simple, premium = await scenario.register(), await scenario.register()
    await scenario.member_of(simple, 2026)
    await scenario.member_of(premium, 2026, "premium")
    pending = await scenario.register()
    await scenario.approve((await scenario.apply(pending, 2026))["id"])
    ours = {simple, premium, pending}

    async def listed(**params: Any) -> set[str]:
        body = await page_of(client, scenario, "/memberships", limit=500, **params)
        assert body["total"] == len(body["items"]), "all on one page"
        return {m["siren"] for m in body["items"]} & ours

    assert await listed(year=2026) == ours
    assert await listed(year=2025) == set()
    assert await listed(year=2026, status="active") == {simple, premium}
    assert await listed(status="awaiting_payment") == {pending}
    assert await listed(status="active", plan="premium") == {premium}


async def test_applications_are_paged(scenario, client) -> None:
    for _ in range(2):
        await scenario.apply(await scenario.register(), 2026)
    first = await page_of(client, scenario, "/applications", limit=1)
    second = await page_of(client, scenario, "/applications", limit=1, offset=1)
    assert first["total"] == second["total"] >= 2
    assert len(first["items"]) == len(second["items"]) == 1
    assert first["items"][0]["id"] != second["items"][0]["id"]
    assert first["items"][0]["legal_name"].startswith("Structure ")


async def test_lists_refuse_members_and_bad_filters(scenario, client) -> None:
    siren = await scenario.register()
    member = scenario.member(siren)
    for path in ("/structures", "/memberships", "/applications"):
        refused = await client.get(path, headers=member)
        assert (refused.status_code, refused.json()["code"]) == (403, "X3"), path
    for path, params in [
        ("/structures", {"siren": "12345"}),
        ("/structures", {"name": "a\x00b"}),
        ("/structures", {"commune": "x" * 101}),
        ("/structures", {"limit": 0}),
        ("/structures", {"limit": 501}),
        ("/memberships", {"year": 1999}),
        ("/memberships", {"status": "sleeping"}),
        ("/memberships", {"plan": "gold"}),
        ("/applications", {"offset": -1}),
    ]:
        response = await client.get(path, params=params, headers=scenario.staff)
        assert response.status_code == 422, (path, params, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == "validation", (path, params)
