"""M11 over HTTP on the real database: open badges awarded, shown with their credential,
verified by anyone without a token, revoked, and refused when tampered with; the training badge
from training's attendance on the real broker."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
import sqlalchemy as sa

from services.membership.tests.governance import convene, members, new_year
from shared.contracts import AttendanceRecorded
from shared.messaging.outbox import AggregateRef
from shared.testing.helpers import wait_until

pytestmark = pytest.mark.integration


def problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body: dict = response.json()
    assert body["code"] == code, body
    return body


async def member_of_the_year(scenario, siren: str, year: int) -> dict:
    response = await scenario.client.post(
        "/badges/member-of-the-year", json={"siren": siren, "year": year}, headers=scenario.board
    )
    assert response.status_code == 201, response.text
    body: dict = response.json()
    return body


async def verify(client, token: str) -> dict:
    response = await client.post("/badges/verify", json={"credential": token})  # no token
    assert response.status_code == 200, response.text
    body: dict = response.json()
    return body


def tampered(token: str, **changes: object) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["identifier"][0].update(changes)
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


async def test_m11_a_badge_verifies_through_post_badges_verify(scenario, client) -> None:
    year = await new_year(scenario)
    [siren] = await members(scenario, year, 1)
    scenario.at(date(year, 11, 20))
    badge = await member_of_the_year(scenario, siren, year)
    assert badge["badge"] == "member_of_the_year"
    assert badge["credential_id"] == f"urn:uuid:{badge['id']}"

    verdict = await verify(client, badge["credential"])
    assert verdict["status"] == "valid", verdict
    assert verdict["verified"] is True
    assert verdict["credential"]["credentialSubject"]["identifier"][0]["identityHash"] == siren

    # What a verifier fetches, without a token.
    profile = await client.get("/badges/issuer")
    assert profile.status_code == 200, profile.text
    [method] = profile.json()["verificationMethod"]
    assert method["publicKeyJwk"]["crv"] == "Ed25519"
    assert "d" not in method["publicKeyJwk"]
    listed = await client.get("/badges/status/revocation")
    assert listed.status_code == 200
    assert listed.headers["content-type"].startswith("application/vc+jwt")
    assert listed.text.count(".") == 2

    [event] = await scenario.outbox("BadgeAwarded", award_id=badge["id"])
    assert event["payload"]["siren"] == siren
    assert event["aggregate_version"] == 1
    again = await client.post(
        "/badges/member-of-the-year", json={"siren": siren, "year": year}, headers=scenario.staff
    )
    problem(again, 409, "M11")


async def test_m11_a_withdrawn_badge_shows_revoked(scenario, client) -> None:
    year = await new_year(scenario)
    [siren] = await members(scenario, year, 1)
    scenario.at(date(year, 11, 20))
    badge = await member_of_the_year(scenario, siren, year)

    withdrawn = await client.post(
        f"/badges/{badge['id']}/withdraw",
        json={"reason": "Attribuée par erreur"},
        headers=scenario.staff,
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["revocation_reason"] == "withdrawn"
    assert withdrawn.json()["revocation_note"] == "Attribuée par erreur"
    verdict = await verify(client, badge["credential"])
    assert verdict["status"] == "revoked", verdict
    assert verdict["verified"] is False
    [event] = await scenario.outbox("BadgeRevoked", award_id=badge["id"])
    assert event["payload"]["reason"] == "withdrawn"
    assert event["aggregate_version"] == 2
    problem(
        await client.post(
            f"/badges/{badge['id']}/withdraw", json={"reason": "encore"}, headers=scenario.staff
        ),
        409,
        "M11",
    )
    # Its holder still reads it, with its credential (which says revoked to any verifier).
    shown = await client.get(f"/badges/{badge['id']}", headers=scenario.member(siren))
    assert shown.json()["credential"] == badge["credential"]
    # The year's member of the year may be chosen again.
    await member_of_the_year(scenario, siren, year)


async def test_m11_a_tampered_badge_fails_verification(scenario, client) -> None:
    year = await new_year(scenario)
    siren, other = await members(scenario, year, 2)
    scenario.at(date(year, 11, 20))
    badge = await member_of_the_year(scenario, siren, year)

    forged = await verify(client, tampered(badge["credential"], identityHash=other))
    assert forged["status"] == "invalid"
    assert forged["problems"] == ["the signature does not verify with the issuer's key"]
    assert forged["credential"] is None
    garbage = await verify(client, "not.a.badge")
    assert garbage["status"] == "invalid"
    problem(await client.post("/badges/verify", json={"credential": ""}), 422, "validation")


async def test_m11_badges_of_a_closed_assembly_to_its_present_and_represented(
    scenario, client
) -> None:
    year = await new_year(scenario)
    present, represented, absent = await members(scenario, year, 3)
    assembly = await convene(scenario, date(year, 6, 12))
    assert (await assembly.proxy(represented, present)).status_code == 200
    assembly.on_the_day()
    assert (await assembly.sign(present)).status_code == 201
    url = f"/assemblies/{assembly.id}/badges"
    problem(await client.post(url, headers=scenario.board), 409, "M11")
    assert (await assembly.open()).status_code == 200
    assert (await assembly.close()).status_code == 200

    awarded = await client.post(url, headers=scenario.board)
    assert awarded.status_code == 200, awarded.text
    by_siren = {b["siren"]: b for b in awarded.json()}
    assert set(by_siren) == {present, represented}
    assert by_siren[represented]["participation"] == "represented"
    assert by_siren[present]["activity_on"] == assembly.held_on.isoformat()
    assert (await client.post(url, headers=scenario.staff)).json() == []
    for badge in by_siren.values():
        assert (await verify(client, badge["credential"]))["status"] == "valid"

    mine = await client.get("/badges", headers=scenario.member(represented))
    assert [b["id"] for b in mine.json()["items"]] == [by_siren[represented]["id"]]
    assert (await client.get("/badges", headers=scenario.member(absent))).json()["items"] == []
    problem(
        await client.get("/badges", params={"siren": present}, headers=scenario.member(absent)),
        404,
        "not_found",
    )
    problem(
        await client.get(f"/badges/{by_siren[present]['id']}", headers=scenario.member(absent)),
        404,
        "not_found",
    )


async def test_m11_a_final_lapse_revokes_the_structures_badges(scenario, client) -> None:
    """Not renewed: still standing after the lapse on 1 January, revoked once the grace has
    passed without a renewal."""
    year = await new_year(scenario)
    [siren] = await members(scenario, year - 1, 1)
    scenario.at(date(year - 1, 11, 20))
    badge = await member_of_the_year(scenario, siren, year - 1)

    for day in (date(year, 1, 1), date(year, 2, 15)):
        scenario.at(day)
        run = await client.post("/lapses/run", json={"on": day.isoformat()}, headers=scenario.staff)
        assert run.status_code == 200, run.text
        shown = await client.get(f"/badges/{badge['id']}", headers=scenario.staff)
        assert shown.json()["revoked_at"] is None, day
    scenario.at(date(year, 2, 16))
    await client.post("/lapses/run", json={"on": f"{year}-02-16"}, headers=scenario.staff)
    shown = (await client.get(f"/badges/{badge['id']}", headers=scenario.staff)).json()
    assert shown["revocation_reason"] == "membership_lapsed"
    assert (await verify(client, badge["credential"]))["status"] == "revoked"


async def test_m11_training_attendance_on_the_broker_awards_the_badge_once(
    scenario, client, consumer, peer
) -> None:
    siren = await scenario.register()
    event = AttendanceRecorded(
        enrollment_id=uuid4(),
        session_id=uuid4(),
        action_id=uuid4(),
        action_type="training",
        siren=siren,
        participant_email="Camille.Durand@example.org",
        session_starts_on=date(2026, 3, 9),
        attendance="present",
        counted=True,
        recorded_at=datetime(2026, 3, 10, 9, 0, tzinfo=UTC),
    )
    enrollment = AggregateRef.of(str(event.enrollment_id), 3)
    envelope = await peer.publish(event, aggregate=enrollment)
    await peer.publish(event, envelope)  # delivered again
    other = await peer.publish(event, aggregate=enrollment)  # the same fact, another message id

    async def applied() -> bool:
        async with scenario.runtime.engine.connect() as connection:
            rows = await connection.execute(
                sa.text(
                    "SELECT count(*) FROM inbox WHERE consumer LIKE '%on_attendance_recorded' "
                    "AND message_id IN (:first, :second)"
                ),
                {"first": envelope.message_id, "second": other.message_id},
            )
            return rows.scalar_one() == 2

    await wait_until(applied)
    assert len(await scenario.outbox("BadgeAwarded", recognises=str(event.enrollment_id))) == 1
    listed = await client.get("/badges", params={"siren": siren}, headers=scenario.staff)
    [badge] = listed.json()["items"]
    assert badge["badge"] == "training_completed"
    assert badge["recipient_email"] == "camille.durand@example.org"
    shown = await client.get(f"/badges/{badge['id']}", headers=scenario.member(siren))
    assert (await verify(client, shown.json()["credential"]))["status"] == "valid"
