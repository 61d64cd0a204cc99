"""F8 through the API on the real database: a public body's Chorus Pro references are captured
with the structure and reach billing on the customer of every dues request."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from services.membership.tests.conftest import new_siren

pytestmark = pytest.mark.integration

CHORUS = {
    "public_body": True,
    "chorus_service_code": "SERVICE-FINANCIER",
    "chorus_commitment_number": "EJ-2026-0042",
    "chorus_service_code_required": True,
    "chorus_commitment_required": True,
}


def chorus_of(customer: dict) -> dict:
    return {k: customer[k] for k in CHORUS}


async def test_f8_a_public_bodys_references_reach_membership_approved(scenario, client) -> None:
    siren = await scenario.register(**CHORUS)
    structure = (await client.get(f"/structures/{siren}", headers=scenario.member(siren))).json()
    assert chorus_of(structure) == CHORUS
    application = await scenario.apply(siren, 2026)
    membership_id = await scenario.approve(application["id"])

    [approved] = await scenario.outbox("MembershipApproved", membership_id=str(membership_id))
    assert chorus_of(approved["payload"]["customer"]) == CHORUS


async def test_f8_renewal_and_upgrade_requests_carry_the_references(scenario, client) -> None:
    siren = await scenario.register(**CHORUS)
    await scenario.member_of(siren, 2025)
    upgrade = await client.post(
        f"/structures/{siren}/upgrade", json={"plan": "premium"}, headers=scenario.member(siren)
    )
    assert upgrade.status_code == 201, upgrade.text
    [requested] = await scenario.outbox("PlanUpgradeRequested", siren=siren)
    assert chorus_of(requested["payload"]["customer"]) == CHORUS

    changed = await client.patch(
        f"/structures/{siren}",
        json={"chorus_commitment_number": "EJ-2026-0007"},
        headers=scenario.member(siren),
    )
    assert changed.status_code == 200, changed.text
    scenario.at(date(2025, 12, 1))
    campaign = await client.post("/campaigns/2026", headers=scenario.staff)
    assert campaign.status_code == 200, campaign.text
    renewal = await scenario.apply(siren, 2026)
    [renewal_requested] = await scenario.outbox(
        "MembershipRenewalRequested", membership_id=renewal["membership_id"]
    )
    assert chorus_of(renewal_requested["payload"]["customer"]) == {
        **CHORUS,
        "chorus_commitment_number": "EJ-2026-0007",
    }


async def test_f8_a_structure_that_is_no_public_body_gives_no_references(scenario, client) -> None:
    siren = new_siren()
    response = await client.post(
        "/structures",
        json=scenario.structure_body(siren, chorus_service_code="SERVICE-FINANCIER"),
        headers=scenario.member(siren),
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "F8"
    missing = await client.post(
        "/structures",
        json=scenario.structure_body(siren, public_body=True, chorus_commitment_required=True),
        headers=scenario.member(siren),
    )
    assert missing.status_code == 422, missing.text
    assert missing.json()["code"] == "F8"
    assert "commitment number" in missing.json()["detail"]
    unknown = await client.get(f"/structures/{siren}", headers=scenario.staff)
    assert unknown.status_code == 404


async def test_f8_a_public_body_that_becomes_none_loses_its_references(scenario, client) -> None:
    siren = await scenario.register(**CHORUS)
    member = scenario.member(siren)
    refused = await client.patch(
        f"/structures/{siren}", json={"chorus_service_code": ""}, headers=member
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "F8"

    changed = await client.patch(
        f"/structures/{siren}", json={"public_body": False}, headers=member
    )
    assert changed.status_code == 200, changed.text
    assert chorus_of(changed.json()) == {
        "public_body": False,
        "chorus_service_code": None,
        "chorus_commitment_number": None,
        "chorus_service_code_required": False,
        "chorus_commitment_required": False,
    }
    application = await scenario.apply(siren, 2026)
    membership_id: UUID = await scenario.approve(application["id"])
    [approved] = await scenario.outbox("MembershipApproved", membership_id=str(membership_id))
    assert approved["payload"]["customer"]["public_body"] is False
    assert approved["payload"]["customer"]["chorus_service_code"] is None
