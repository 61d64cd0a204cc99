"""The membership use cases through the API on the real database (M1–M10)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest
from sqlalchemy import text

from services.membership.tests.conftest import TEXTS, siret_of

pytestmark = pytest.mark.integration


async def test_m5_new_membership_approved_then_activated_by_payment(scenario, client) -> None:
    siren = await scenario.register()
    application = await scenario.apply(siren, 2026, "premium")
    assert application["kind"] == "new"
    assert application["status"] == "pending_review"
    assert (await scenario.rights(siren))["status"] == "pending"

    pending = await client.get("/applications", params={"limit": 500}, headers=scenario.board)
    assert application["id"] in {a["id"] for a in pending.json()["items"]}
    submitted = await scenario.outbox("MembershipApplicationSubmitted", siren=siren)
    assert [e["payload"]["kind"] for e in submitted] == ["new"]

    membership_id = await scenario.approve(application["id"])
    [approved] = await scenario.outbox("MembershipApproved", siren=siren)
    payload = approved["payload"]
    assert payload["membership_id"] == str(membership_id)
    assert Decimal(payload["amount"]) == Decimal("150.00")
    assert payload["customer"]["siren"] == siren
    assert payload["customer"]["insee_code"] == "33063"
    assert approved["aggregate_id"] == str(membership_id)
    assert (await scenario.rights(siren))["status"] == "pending"

    await scenario.pay(siren, membership_id)
    rights = await scenario.rights(siren)
    assert rights["status"] == "active"
    assert rights["plan"] == "premium"
    assert rights["valid_until"] == "2026-12-31"
    assert rights["rights"] == {
        "parcourspro": True,
        "innovation_lab": True,
        "lab_studio": False,
        "room_booking": True,
        "extranet": True,
    }
    [activated] = await scenario.outbox("MembershipActivated", membership_id=str(membership_id))
    assert activated["payload"]["valid_from"] == "2026-03-10"
    assert activated["payload"]["valid_until"] == "2026-12-31"


async def test_m5_board_rejects_with_a_reason_the_applicant_reads(scenario, client) -> None:
    siren = await scenario.register()
    application = await scenario.apply(siren, 2026)
    response = await client.post(
        f"/applications/{application['id']}/reject",
        json={"reason": "Activité sans lien avec l'orientation ou la formation."},
        headers=scenario.board,
    )
    assert response.status_code == 200, response.text
    seen = await client.get(f"/applications/{application['id']}", headers=scenario.member(siren))
    assert seen.json()["status"] == "rejected"
    assert seen.json()["rejection_reason"].startswith("Activité sans lien")
    assert len(await scenario.outbox("MembershipRejected", siren=siren)) == 1
    again = await client.post(f"/applications/{application['id']}/approve", headers=scenario.board)
    assert again.status_code == 409
    assert again.json()["code"] == "M5"
    # A rejected structure may apply again.
    assert (await scenario.apply(siren, 2026))["status"] == "pending_review"


async def test_m5_board_lists_applications_by_status(scenario, client) -> None:
    pending, rejected = await scenario.register(), await scenario.register()
    waiting = await scenario.apply(pending, 2026)
    refused = await scenario.apply(rejected, 2026)
    response = await client.post(
        f"/applications/{refused['id']}/reject",
        json={"reason": "Hors champ"},
        headers=scenario.board,
    )
    assert response.status_code == 200, response.text

    async def listed(**query: str) -> set[str]:
        response = await client.get(
            "/applications", params={**query, "limit": 500}, headers=scenario.board
        )
        assert response.status_code == 200, response.text
        return {a["id"] for a in response.json()["items"]} & {waiting["id"], refused["id"]}

    assert await listed() == {waiting["id"]}
    assert await listed(status="pending_review") == {waiting["id"]}
    assert await listed(status="rejected") == {refused["id"]}
    assert await listed(status="all") == {waiting["id"], refused["id"]}
    assert await listed(status="all", year="2025") == set()


async def test_m6_renewal_processed_at_once_and_reported_to_the_board(scenario, client) -> None:
    siren = await scenario.register()
    await scenario.member_of(siren, 2025)
    scenario.at(date(2025, 11, 20))
    campaign = await client.post("/campaigns/2026", headers=scenario.staff)
    assert campaign.status_code == 200, campaign.text

    renewal = await client.post(
        "/applications",
        json={"siren": siren, "year": 2026, "plan": "premium"},
        headers=scenario.member(siren),
    )
    assert renewal.status_code == 201, renewal.text
    body = renewal.json()
    assert body["kind"] == "renewal"
    assert body["status"] == "processed"
    [requested] = await scenario.outbox("MembershipRenewalRequested", siren=siren)
    assert requested["payload"]["membership_id"] == body["membership_id"]
    assert Decimal(requested["payload"]["amount"]) == Decimal("150.00")
    assert await scenario.outbox("MembershipApproved", siren=siren, year="2026") == []

    report = await client.get("/reports/renewals/2026", headers=scenario.board)
    assert report.status_code == 200
    [line] = [r for r in report.json()["renewals"] if r["siren"] == siren]
    assert line["previous_plan"] == "simple"
    assert line["plan"] == "premium"
    assert line["changes"] == ["plan simple → premium"]

    # M4: in grace on 15 February, lapsed on the 16th; paid later, active from payment.
    assert (await scenario.rights(siren, date(2026, 2, 15)))["status"] == "grace"
    assert (await scenario.rights(siren, date(2026, 2, 15)))["rights"]["parcourspro"]
    assert (await scenario.rights(siren, date(2026, 2, 16)))["status"] == "lapsed"
    scenario.at(date(2026, 1, 20))
    await scenario.pay(siren, UUID(body["membership_id"]), kind="membership_renewal")
    assert (await scenario.rights(siren, date(2026, 2, 16)))["status"] == "active"


async def test_m4_renewal_in_grace_window_restores_a_lapsed_member(scenario, client) -> None:
    siren = await scenario.register()
    membership_2025 = await scenario.member_of(siren, 2025)
    scenario.at(date(2026, 1, 2))
    run = await client.post("/lapses/run", json={}, headers=scenario.staff)
    mine = [x for x in run.json()["lapsed"] if x["siren"] == siren]
    assert mine == [
        {
            "membership_id": str(membership_2025),
            "siren": siren,
            "year": 2025,
            "lapsed_on": "2026-01-01",
            "reason": "not_renewed",
        }
    ]
    assert (await scenario.rights(siren, date(2026, 1, 2)))["status"] == "lapsed"

    scenario.at(date(2026, 1, 20))
    renewal = await scenario.apply(siren, 2026)
    assert renewal["kind"] == "renewal"
    assert (await scenario.rights(siren))["status"] == "grace"
    [reinstated] = await scenario.outbox("MembershipReinstated", siren=siren)
    assert reinstated["payload"]["membership_id"] == str(membership_2025)
    assert reinstated["payload"]["grace_until"] == "2026-02-15"
    assert reinstated["payload"]["renewal_membership_id"] == renewal["membership_id"]

    scenario.at(date(2026, 2, 16))
    run = await client.post("/lapses/run", json={}, headers=scenario.staff)
    mine = [x for x in run.json()["lapsed"] if x["siren"] == siren]
    assert [(x["lapsed_on"], x["reason"]) for x in mine] == [("2026-02-16", "renewal_unpaid")]
    lapsed = await scenario.outbox("MembershipLapsed", membership_id=str(membership_2025))
    assert [e["payload"]["reason"] for e in lapsed] == ["not_renewed", "renewal_unpaid"]
    # Consumers order the membership's events by its version: the reinstatement sits between.
    versions = [e["aggregate_version"] for e in (lapsed[0], reinstated, lapsed[1])]
    assert all(isinstance(v, int) for v in versions), versions
    assert versions == sorted(set(versions)), versions


async def test_m7_beneficiary_resolves_to_its_member_rights(scenario, client) -> None:
    siren = await scenario.register()
    await scenario.member_of(siren, 2026)
    branch = siret_of(siren, 2)
    added = await client.post(
        f"/structures/{siren}/beneficiaries",
        json={"siret": branch, "name": "Antenne de Pau", "insee_code": "64445"},
        headers=scenario.member(siren),
    )
    assert added.status_code == 201, added.text
    [event] = await scenario.outbox("BeneficiaryAdded", siret=branch)
    assert event["payload"]["siren"] == siren
    rights = await scenario.rights(branch)
    assert rights["siren"] == siren
    assert rights["resolved_from_siret"] == branch
    assert rights["status"] == "active"
    assert rights["rights"]["parcourspro"]
    assert branch in rights["beneficiary_sirets"]

    duplicate = await client.post(
        f"/structures/{siren}/beneficiaries",
        json={"siret": branch, "name": "Antenne de Pau"},
        headers=scenario.member(siren),
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "M7"
    removed = await client.delete(
        f"/structures/{siren}/beneficiaries/{branch}", headers=scenario.member(siren)
    )
    assert removed.status_code == 204
    assert len(await scenario.outbox("BeneficiaryRemoved", siret=branch)) == 1
    gone = await client.get(f"/rights/{branch}", headers=scenario.staff)
    assert gone.status_code == 404


async def test_m7_beneficiary_address_is_checked_like_the_head_office(scenario, client) -> None:
    siren = await scenario.register()
    member = scenario.member(siren)
    branch = siret_of(siren, 3)
    url = f"/structures/{siren}/beneficiaries"
    for address in (
        {"postal_code": "ABCDE"},
        {"postal_code": "3300"},
        {"insee_code": "ZZ"},
        {"insee_code": "123456"},
    ):
        refused = await client.post(
            url, json={"siret": branch, "name": "Antenne", **address}, headers=member
        )
        assert refused.status_code == 422, (address, refused.text)
        assert refused.json()["code"] == "M1", address
    structure = await client.get(f"/structures/{siren}", headers=member)
    assert branch not in [e["siret"] for e in structure.json()["establishments"]]

    added = await client.post(
        url,
        json={
            "siret": branch,
            "name": "Antenne d'Ajaccio",
            "address_line": "2 cours Napoléon",
            "postal_code": " 20000 ",
            "city": "Ajaccio",
            "insee_code": "2a004",
        },
        headers=member,
    )
    assert added.status_code == 201, added.text
    [antenne] = [e for e in added.json()["establishments"] if e["siret"] == branch]
    assert (antenne["postal_code"], antenne["insee_code"]) == ("20000", "2A004")


async def test_m8_call_for_dues_once_per_main_structure(scenario, client) -> None:
    member, other = await scenario.register(), await scenario.register()
    await scenario.member_of(member, 2025, "premium")
    await client.post(
        f"/structures/{member}/beneficiaries",
        json={"siret": siret_of(member, 7), "name": "Antenne"},
        headers=scenario.member(member),
    )
    scenario.at(date(2025, 11, 15))
    first = await client.post("/campaigns/2026", headers=scenario.staff)
    assert first.status_code == 200, first.text
    calls = await client.get("/campaigns/2026/calls", headers=scenario.staff)
    mine = [c for c in calls.json() if c["siren"] in (member, other)]
    assert len(mine) == 1
    assert mine[0]["siret"] == siret_of(member, 1)  # the head office, not the branch
    assert Decimal(mine[0]["amount"]) == Decimal("150.00")

    second = await client.post("/campaigns/2026", headers=scenario.staff)
    assert second.json()["calls_created"] == 0
    assert second.json()["calls_total"] == first.json()["calls_total"]
    wrong_year = await client.post("/campaigns/2028", headers=scenario.staff)
    assert wrong_year.status_code == 422
    assert wrong_year.json()["code"] == "M8"


async def test_m9_qualiopi_recorded_and_lab_studio_granted_while_valid(scenario, client) -> None:
    siren = await scenario.register(
        training_organisation=True, activity_declaration_number="75331234533"
    )
    await scenario.member_of(siren, 2026)
    recorded = await client.put(
        f"/structures/{siren}/qualiopi",
        json={"certificate_number": "QUALIOPI-2024-0042", "valid_until": "2026-06-30"},
        headers=scenario.member(siren),
    )
    assert recorded.status_code == 200, recorded.text
    [changed] = await scenario.outbox("QualiopiCertificationChanged", siren=siren)
    assert changed["payload"]["valid_until"] == "2026-06-30"
    assert (await scenario.rights(siren, date(2026, 6, 30)))["rights"]["lab_studio"]
    assert not (await scenario.rights(siren, date(2026, 7, 1)))["rights"]["lab_studio"]

    not_training = await scenario.register()
    refused = await client.put(
        f"/structures/{not_training}/qualiopi",
        json={"certificate_number": "QUALIOPI-2024-0043", "valid_until": "2026-06-30"},
        headers=scenario.staff,
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "M9"


async def test_m9_no_longer_a_training_organisation_drops_the_qualiopi_certificate(
    scenario, client, runtime
) -> None:
    siren = await scenario.register(
        training_organisation=True, activity_declaration_number="75331234533"
    )
    member = scenario.member(siren)
    await scenario.member_of(siren, 2026)
    recorded = await client.put(
        f"/structures/{siren}/qualiopi",
        json={"certificate_number": "QUALIOPI-2024-0044", "valid_until": "2026-12-31"},
        headers=member,
    )
    assert recorded.status_code == 200, recorded.text
    patched = await client.patch(
        f"/structures/{siren}", json={"training_organisation": False}, headers=member
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert (body["training_organisation"], body["activity_declaration_number"]) == (False, None)
    assert (body["qualiopi_number"], body["qualiopi_valid_until"]) == (None, None)
    changes = await scenario.outbox("QualiopiCertificationChanged", siren=siren)
    assert [(e["payload"]["certificate_number"], e["payload"]["valid_until"]) for e in changes] == [
        ("QUALIOPI-2024-0044", "2026-12-31"),
        (None, None),
    ]
    assert changes[0]["aggregate_version"] < changes[1]["aggregate_version"]
    assert not (await scenario.rights(siren, date(2026, 6, 1)))["rights"]["lab_studio"]
    # Removing it again is no error, and says nothing new.
    removed = await client.delete(f"/structures/{siren}/qualiopi", headers=member)
    assert removed.status_code == 200, removed.text
    assert len(await scenario.outbox("QualiopiCertificationChanged", siren=siren)) == 2

    # A certificate left on a structure that is not a training organisation can be removed.
    other = await scenario.register()
    async with runtime.engine.begin() as connection:
        await connection.execute(
            text(
                "UPDATE structures SET qualiopi_number = 'Q-OLD', "
                "qualiopi_valid_until = '2026-12-31' WHERE siren = :siren"
            ),
            {"siren": other},
        )
    removed = await client.delete(f"/structures/{other}/qualiopi", headers=scenario.member(other))
    assert removed.status_code == 200, removed.text
    assert removed.json()["qualiopi_number"] is None
    [change] = await scenario.outbox("QualiopiCertificationChanged", siren=other)
    assert change["payload"]["certificate_number"] is None


async def test_m10_upgrade_to_premium_from_payment(scenario, client) -> None:
    siren = await scenario.register()
    membership_id = await scenario.member_of(siren, 2026)
    scenario.at(date(2026, 6, 1))
    response = await client.post(
        f"/structures/{siren}/upgrade", json={"plan": "premium"}, headers=scenario.member(siren)
    )
    assert response.status_code == 201, response.text
    assert Decimal(response.json()["amount"]) == Decimal("50.00")
    [requested] = await scenario.outbox("PlanUpgradeRequested", siren=siren)
    assert requested["payload"]["membership_id"] == str(membership_id)
    again = await client.post(
        f"/structures/{siren}/upgrade", json={"plan": "premium"}, headers=scenario.member(siren)
    )
    assert again.status_code == 409
    assert again.json()["code"] == "M10"

    scenario.at(date(2026, 6, 10))
    upgrade_id = UUID(response.json()["upgrade_id"])
    await scenario.pay(siren, upgrade_id, kind="plan_upgrade")
    await scenario.pay(siren, upgrade_id, kind="plan_upgrade")  # delivered twice
    assert (await scenario.rights(siren, date(2026, 6, 9)))["plan"] == "simple"
    after = await scenario.rights(siren, date(2026, 6, 10))
    assert after["plan"] == "premium"
    assert after["rights"]["room_booking"]
    activations = await scenario.outbox("MembershipActivated", membership_id=str(membership_id))
    assert [(e["payload"]["plan"], e["payload"]["valid_from"]) for e in activations] == [
        ("simple", "2026-03-01"),
        ("premium", "2026-06-10"),
    ]
    downgrade = await client.post(
        f"/structures/{siren}/upgrade", json={"plan": "simple"}, headers=scenario.member(siren)
    )
    assert downgrade.status_code == 422
    assert downgrade.json()["code"] == "M10"


async def test_credit_note_withdraws_an_unpaid_new_membership(scenario, client) -> None:
    siren = await scenario.register()
    application = await scenario.apply(siren, 2026)
    membership_id = await scenario.approve(application["id"])
    await scenario.cancel(siren, membership_id)
    seen = await client.get(f"/applications/{application['id']}", headers=scenario.staff)
    assert seen.json()["status"] == "withdrawn"
    memberships = await client.get(f"/structures/{siren}/memberships", headers=scenario.staff)
    assert [m["state"] for m in memberships.json()] == ["withdrawn"]
    assert (await scenario.rights(siren))["status"] == "none"
    # Paid after all: a withdrawn membership is not activated.
    await scenario.pay(siren, membership_id)
    assert (await scenario.rights(siren))["status"] == "none"
    again = await client.post(
        "/applications",
        json={"siren": siren, "year": 2026, "plan": "simple", "texts": {}},
        headers=scenario.member(siren),
    )
    assert again.status_code == 409
    assert again.json()["code"] == "M3"


async def test_m4_renewal_withdrawn_in_grace_lapses_the_member(scenario, client) -> None:
    siren = await scenario.register()
    membership_2025 = await scenario.member_of(siren, 2025)
    scenario.at(date(2025, 12, 1))
    await client.post("/campaigns/2026", headers=scenario.staff)
    renewal = await scenario.apply(siren, 2026)
    scenario.at(date(2026, 1, 25))
    assert (await scenario.rights(siren))["status"] == "grace"
    await scenario.cancel(siren, UUID(renewal["membership_id"]), kind="membership_renewal")
    assert (await scenario.rights(siren))["status"] == "lapsed"
    [lapsed] = await scenario.outbox("MembershipLapsed", membership_id=str(membership_2025))
    assert lapsed["payload"]["reason"] == "withdrawn"
    assert lapsed["payload"]["lapsed_on"] == "2026-01-25"


async def test_m2_tariffs_are_data_staff_edit(scenario, client) -> None:
    listed = await client.get("/tariffs", headers=scenario.board)
    seeded = {t["year"]: t for t in listed.json()}
    assert Decimal(seeded[2025]["simple"]) == Decimal("100.00")
    assert Decimal(seeded[2026]["premium"]) == Decimal("150.00")
    assert Decimal(seeded[2026]["upgrade"]) == Decimal("50.00")
    put = await client.put(
        "/tariffs/2027",
        json={"simple": "110.00", "premium": "165.00", "upgrade": "55.00"},
        headers=scenario.staff,
    )
    assert put.status_code == 200, put.text
    assert Decimal(put.json()["premium"]) == Decimal("165.00")
    refused = await client.put(
        "/tariffs/2027",
        json={"simple": "110.00", "premium": "100.00", "upgrade": "55.00"},
        headers=scenario.staff,
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "M2"
    by_board = await client.put(
        "/tariffs/2027",
        json={"simple": "1.00", "premium": "2.00", "upgrade": "1.00"},
        headers=scenario.board,
    )
    assert by_board.status_code == 403


async def test_m1_structure_details_change_and_a_move_is_checked(scenario, client) -> None:
    siren = await scenario.register()
    changed = await client.patch(
        f"/structures/{siren}",
        json={"email": "direction@example.org", "insee_code": "17300", "postal_code": "17000"},
        headers=scenario.member(siren),
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["email"] == "direction@example.org"
    assert changed.json()["insee_code"] == "17300"
    [head_office] = changed.json()["establishments"]
    assert head_office["postal_code"] == "17000"
    moved_out = await client.patch(
        f"/structures/{siren}", json={"insee_code": "85191"}, headers=scenario.member(siren)
    )
    assert moved_out.status_code == 422
    assert "85 (Vendée)" in moved_out.json()["detail"]
    no_nda = await client.patch(
        f"/structures/{siren}", json={"training_organisation": True}, headers=scenario.staff
    )
    assert no_nda.status_code == 422
    assert no_nda.json()["code"] == "M9"
    intruder = await scenario.register()
    other = await client.patch(
        f"/structures/{siren}", json={"email": "x@example.org"}, headers=scenario.member(intruder)
    )
    assert other.status_code == 404  # X3: another structure's data does not exist for it


async def test_m3_concurrent_applications_and_decisions_keep_one_per_year(scenario, client) -> None:
    import asyncio

    siren = await scenario.register()
    body = {"siren": siren, "year": 2026, "plan": "simple", "texts": TEXTS}
    responses = await asyncio.gather(
        *(client.post("/applications", json=body, headers=scenario.member(siren)) for _ in range(4))
    )
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    [created] = [r.json() for r in responses if r.status_code == 201]
    decisions = await asyncio.gather(
        *(
            client.post(f"/applications/{created['id']}/approve", headers=scenario.board)
            for _ in range(3)
        )
    )
    assert sorted(r.status_code for r in decisions) == [200, 409, 409]
    assert len(await scenario.outbox("MembershipApproved", siren=siren)) == 1
    own = await client.get(f"/structures/{siren}/applications", headers=scenario.member(siren))
    assert [a["status"] for a in own.json()] == ["approved"]


async def test_m4_two_lapse_runs_at_once_lapse_a_membership_once(scenario, runtime) -> None:
    import asyncio

    from membership.scheduler import lapse_for

    siren = await scenario.register()
    membership_id = await scenario.member_of(siren, 2025)
    scenario.at(date(2026, 1, 1))
    runs = await asyncio.gather(*(lapse_for(runtime, date(2026, 1, 1)) for _ in range(3)))
    mine = [x for run in runs for x in run if x.siren == siren]
    assert [x.membership_id for x in mine] == [membership_id]
    assert len(await scenario.outbox("MembershipLapsed", membership_id=str(membership_id))) == 1


async def test_m10_cancelled_upgrade_invoice_cancels_the_upgrade_once_for_the_year(
    scenario, client
) -> None:
    siren = await scenario.register()
    await scenario.member_of(siren, 2026)
    scenario.at(date(2026, 5, 1))
    response = await client.post(
        f"/structures/{siren}/upgrade", json={"plan": "premium"}, headers=scenario.member(siren)
    )
    upgrade_id = UUID(response.json()["upgrade_id"])
    await scenario.cancel(siren, upgrade_id, kind="plan_upgrade")
    await scenario.pay(siren, upgrade_id, kind="plan_upgrade")  # too late: it was cancelled
    assert (await scenario.rights(siren, date(2026, 5, 2)))["plan"] == "simple"
    again = await client.post(
        f"/structures/{siren}/upgrade", json={"plan": "premium"}, headers=scenario.member(siren)
    )
    assert again.status_code == 409
    assert again.json()["code"] == "M10"


async def test_m10_upgrade_paid_after_the_year_end_does_not_reactivate_the_membership(
    scenario, client
) -> None:
    siren = await scenario.register()
    membership_id = await scenario.member_of(siren, 2025)
    scenario.at(date(2025, 11, 10))
    response = await client.post(
        f"/structures/{siren}/upgrade", json={"plan": "premium"}, headers=scenario.member(siren)
    )
    assert response.status_code == 201, response.text
    upgrade_id = UUID(response.json()["upgrade_id"])

    # Paid on 1 January: the 2025 membership ended the day before.
    scenario.at(date(2026, 1, 1))
    await scenario.pay(siren, upgrade_id, kind="plan_upgrade", year=2025)
    run = await client.post("/lapses/run", json={}, headers=scenario.staff)
    assert [x["reason"] for x in run.json()["lapsed"] if x["siren"] == siren] == ["not_renewed"]
    # Delivered again once the membership has lapsed.
    scenario.at(date(2026, 1, 5))
    await scenario.pay(siren, upgrade_id, kind="plan_upgrade", year=2025)

    activations = await scenario.outbox("MembershipActivated", membership_id=str(membership_id))
    assert [e["payload"]["plan"] for e in activations] == ["simple"]
    memberships = await client.get(f"/structures/{siren}/memberships", headers=scenario.staff)
    [row] = memberships.json()
    assert (row["state"], row["plan"], row["premium_from"]) == ("lapsed", "simple", None)
    assert (await scenario.rights(siren, date(2026, 1, 5)))["status"] == "lapsed"

    # A renewal in the grace window still reinstates the (simple) 2025 membership.
    scenario.at(date(2026, 1, 20))
    renewal = await scenario.apply(siren, 2026)
    assert len(await scenario.outbox("MembershipReinstated", siren=siren)) == 1
    rights = await scenario.rights(siren)
    assert (rights["status"], rights["plan"]) == ("grace", "simple")
    await scenario.pay(siren, UUID(renewal["membership_id"]), kind="membership_renewal")
    assert (await scenario.rights(siren))["status"] == "active"


async def test_m3_dues_paid_after_the_year_end_do_not_activate_the_membership(
    scenario, client
) -> None:
    siren = await scenario.register()
    scenario.at(date(2025, 12, 1))
    application = await scenario.apply(siren, 2025)
    membership_id = await scenario.approve(application["id"])
    scenario.at(date(2026, 1, 8))
    await scenario.pay(siren, membership_id, year=2025)
    assert await scenario.outbox("MembershipActivated", membership_id=str(membership_id)) == []
    memberships = await client.get(f"/structures/{siren}/memberships", headers=scenario.staff)
    assert [(m["state"], m["valid_from"]) for m in memberships.json()] == [
        ("awaiting_payment", None)
    ]
    assert (await scenario.rights(siren, date(2026, 1, 8)))["status"] == "none"


async def test_m4_lapse_candidates_come_with_their_unpaid_renewal(scenario, runtime) -> None:
    renewing, leaving, renewed = [await scenario.register() for _ in range(3)]
    for siren in (renewing, leaving, renewed):
        await scenario.member_of(siren, 2025)
    await scenario.member_of(renewed, 2026)
    scenario.at(date(2026, 1, 10))
    renewal = await scenario.apply(renewing, 2026)
    async with runtime.uow() as uow:
        candidates = {
            c.membership.siren: c
            for c in await uow.memberships.lapse_candidates(2026)
            if c.membership.siren in (renewing, leaving, renewed)
        }
    assert set(candidates) == {renewing, leaving}
    membership, successor = candidates[renewing].membership, candidates[renewing].successor
    assert (membership.year, membership.state) == (2025, "active")
    assert successor is not None
    assert str(successor.id) == renewal["membership_id"]
    assert (successor.year, successor.valid_from) == (2026, None)
    assert candidates[leaving].successor is None
