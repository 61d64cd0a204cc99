"""The training service over HTTP on the real PostgreSQL: the rules as a member meets them."""

from __future__ import annotations

from datetime import date

import pytest

from shared.contracts import BeneficiaryRemoved
from shared.messaging.outbox import AggregateRef
from shared.testing.helpers import schema_drift
from training.tables import metadata

from ..conftest import START, Scenario, days, new_siren, siret_of

pytestmark = pytest.mark.integration


async def test_training_schema_matches_the_table_definitions(scenario: Scenario) -> None:
    assert await schema_drift(scenario.runtime.engine, metadata) == []


async def test_t1_members_list_open_sessions_with_remaining_places_filtered_and_paged(
    scenario: Scenario,
) -> None:
    siren = await scenario.member_of()
    lab = await scenario.session("innovation_lab", starts_on=date(2026, 5, 12), capacity=3)
    remote = await scenario.session("self_training", starts_on=date(2026, 5, 19), capacity=5)
    await scenario.placed(lab["id"], siren)
    headers = scenario.member(siren)
    page = (
        await scenario.client.get(
            "/sessions", params={"month": "2026-05", "type": "innovation_lab"}, headers=headers
        )
    ).json()
    mine = [s for s in page["items"] if s["id"] == lab["id"]]
    assert mine
    assert mine[0]["remaining_places"] == 2
    assert mine[0]["places_taken"] == 1
    assert all(s["action_type"] == "innovation_lab" for s in page["items"])
    remote_page = (
        await scenario.client.get(
            "/sessions", params={"remote": "true", "month": "2026-05"}, headers=headers
        )
    ).json()
    assert remote["id"] in {s["id"] for s in remote_page["items"]}
    assert all(s["remote"] for s in remote_page["items"])
    by_place = (
        await scenario.client.get("/sessions", params={"place": "vincent"}, headers=headers)
    ).json()
    assert lab["id"] in {s["id"] for s in by_place["items"]}
    one = (await scenario.client.get("/sessions", params={"limit": 1}, headers=headers)).json()
    assert len(one["items"]) == 1
    assert one["total"] >= 2
    assert one["limit"] == 1
    bad = await scenario.client.get("/sessions", params={"month": "2026-13"}, headers=headers)
    assert bad.status_code == 422
    assert bad.json()["code"] == "validation"


async def test_t1_a_session_and_a_members_places_as_icalendar(scenario: Scenario) -> None:
    import icalendar

    siren = await scenario.member_of()
    session = await scenario.session()
    await scenario.placed(session["id"], siren, "ical@example.org")
    response = await scenario.client.get(
        f"/sessions/{session['id']}/calendar.ics", headers=scenario.member(siren)
    )
    assert response.headers["content-type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == START
    assert "Pessac" in str(event["location"])
    mine = await scenario.client.get(
        f"/structures/{siren}/calendar.ics", headers=scenario.member(siren)
    )
    events = icalendar.Calendar.from_ical(mine.content).walk("VEVENT")
    assert [str(e["attendee"]) for e in events] == ["mailto:ical@example.org"]
    other = await scenario.client.get(
        f"/structures/{siren}/calendar.ics", headers=scenario.member(new_siren())
    )
    assert other.status_code == 404


async def test_t1_staff_alone_manage_the_catalogue_and_t1_is_checked(scenario: Scenario) -> None:
    siren = await scenario.member_of()
    body = {"type": "training", "title": "T", "description": "D", "duration_days": 1}
    assert (
        await scenario.client.post("/actions", json=body, headers=scenario.member(siren))
    ).status_code == 403
    four_days = await scenario.client.post(
        "/actions", json={**body, "duration_days": 4}, headers=scenario.staff
    )
    assert four_days.status_code == 422
    action = await scenario.action()
    paris = await scenario.client.post(
        f"/actions/{action['id']}/sessions",
        json={
            "starts_on": "2026-04-01",
            "ends_on": "2026-04-01",
            "capacity": 10,
            "registration_opens_on": "2026-01-31",
            "place": "Paris",
            "department": "75",
        },
        headers=scenario.staff,
    )
    assert paris.status_code == 422
    assert paris.json()["code"] == "T1"


async def test_t2_to_t6_the_answer_is_a_place_a_waiting_entry_or_a_refusal_with_its_rule(
    scenario: Scenario,
) -> None:
    siren, other = await scenario.member_of(), await scenario.member_of()
    session = await scenario.session(capacity=3)
    first = await scenario.placed(session["id"], siren)
    assert first["status"] == "confirmed"
    assert first["counted"]
    # a beneficiary's SIRET shares the SIREN: T4 counts them together
    await scenario.placed(session["id"], siren, None)
    third = await scenario.register(session["id"], siren, siret=siret_of(siren, 2))
    assert third.status_code == 201
    assert third.json() | {"enrollment": None} == {
        "outcome": "waiting",
        "position": 1,
        "waiting_reason": "T4",
        "enrollment": None,
    }
    await scenario.placed(session["id"], other)
    full = (await scenario.register(session["id"], other)).json()
    assert (full["outcome"], full["position"], full["waiting_reason"]) == ("waiting", 2, "full")
    # T2: not a member on the start date
    stranger = new_siren()
    refused = await scenario.register(session["id"], stranger)
    assert refused.status_code == 422
    assert refused.json()["code"] == "T2"
    # T10: the same person again, on this or another session of the action
    again = await scenario.register(session["id"], siren, first["email"])
    assert again.status_code == 409
    assert again.json()["code"] == "T10"
    sibling = await scenario.session(action_id=session["action_id"], starts_on=date(2026, 6, 1))
    again = await scenario.register(sibling["id"], siren, first["email"].upper())
    assert again.status_code == 409
    assert again.json()["code"] == "T10"
    # T6: 14 days before the start, refused; staff may still register
    scenario.at(START - days(14))
    late = await scenario.register(session["id"], other)
    assert late.status_code == 422
    assert late.json()["code"] == "T6"
    by_staff = await scenario.register(session["id"], other, as_staff=True)
    assert by_staff.status_code == 201
    # the events carry the enrollment's version
    confirmed = await scenario.outbox("EnrollmentConfirmed", enrollment_id=first["id"])
    assert confirmed[0]["aggregate_version"] == 1
    assert confirmed[0]["aggregate_id"] == first["id"]
    waitlisted = await scenario.outbox("EnrollmentWaitlisted", session_id=session["id"])
    assert [w["payload"]["reason"] for w in waitlisted][:2] == ["T4", "full"]


async def test_t2_a_removed_beneficiary_cannot_enrol(scenario: Scenario) -> None:
    siren = await scenario.member_of()
    branch = siret_of(siren, 7)
    await scenario.fold(
        BeneficiaryRemoved(siren=siren, siret=branch, removed_at=scenario.clock.now()),
        AggregateRef.of(branch, 2),
    )
    session = await scenario.session()
    refused = await scenario.register(session["id"], siren, siret=branch)
    assert refused.status_code == 422
    assert refused.json()["code"] == "T2"


async def test_x3_a_member_acts_only_for_its_own_structure(scenario: Scenario) -> None:
    siren, other = await scenario.member_of(), await scenario.member_of()
    session = await scenario.session()
    mine = await scenario.placed(session["id"], siren)
    body = {"first_name": "A", "last_name": "B", "email": "a@example.org", "siret": siret_of(other)}
    response = await scenario.client.post(
        f"/sessions/{session['id']}/enrollments", json=body, headers=scenario.member(siren)
    )
    assert response.status_code == 404
    headers = scenario.member(other)
    assert (
        await scenario.client.get(f"/enrollments/{mine['id']}", headers=headers)
    ).status_code == 404
    assert (
        await scenario.client.post(f"/enrollments/{mine['id']}/withdraw", headers=headers)
    ).status_code == 404
    assert (
        await scenario.client.get(f"/structures/{siren}/enrollments", headers=headers)
    ).status_code == 404
    assert (
        await scenario.client.get(f"/employees/{mine['email']}/years/2026", headers=headers)
    ).status_code == 404
    assert (
        await scenario.client.get(f"/sessions/{session['id']}/roster", headers=headers)
    ).status_code == 403
    listed = await scenario.client.get(
        f"/structures/{siren}/enrollments", headers=scenario.member(siren)
    )
    assert [e["id"] for e in listed.json()["items"]] == [mine["id"]]


async def test_t3_yearly_limits_follow_the_policy_and_the_employee_view_says_why(
    scenario: Scenario,
) -> None:
    siren = await scenario.member_of()
    email = f"limits-{new_siren()}@example.org"
    trainings = [await scenario.session() for _ in range(4)]
    for session in trainings[:3]:
        await scenario.placed(session["id"], siren, email)
    lab = await scenario.session("innovation_lab")
    await scenario.placed(lab["id"], siren, email)
    refused = await scenario.register(trainings[3]["id"], siren, email)
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["code"] == "T3"
    assert (problem["counted_actions"], problem["counted_trainings"]) == (3, 3)
    self_training = await scenario.session("self_training")
    await scenario.placed(self_training["id"], siren, email)
    another = await scenario.session("self_training")
    assert (await scenario.register(another["id"], siren, email)).json()["code"] == "T3"
    # staff change the year's policy: 5 of which 3
    policy = {"max_actions": 5, "max_trainings": 3}
    put = await scenario.client.put("/policies/2026", json=policy, headers=scenario.staff)
    assert put.status_code == 200, put.text
    try:
        assert (await scenario.register(another["id"], siren, email)).status_code == 201
        view = (
            await scenario.client.get(
                f"/employees/{email}/years/2026", headers=scenario.member(siren)
            )
        ).json()
        assert (view["counted_actions"], view["counted_trainings"]) == (5, 3)
        assert (view["remaining_actions"], view["remaining_trainings"]) == (0, 0)
        whys = {e["enrollment"]["action_type"]: e["why"] for e in view["entries"]}
        assert whys["innovation_lab"] == "innovation lab workshops do not count"
    finally:
        await scenario.client.put(
            "/policies/2026", json={"max_actions": 4, "max_trainings": 3}, headers=scenario.staff
        )
    bad = await scenario.client.put(
        "/policies/2026", json={"max_actions": 2, "max_trainings": 3}, headers=scenario.staff
    )
    assert bad.status_code == 422


async def test_t7_withdrawal_counts_when_late_and_the_place_goes_to_the_first_eligible_entry(
    scenario: Scenario,
) -> None:
    a, b, c = [await scenario.member_of() for _ in range(3)]
    session = await scenario.session(capacity=2)
    early = await scenario.placed(session["id"], a)
    late = await scenario.placed(session["id"], a)
    # waiting: a third employee of a (T4), then b, then c
    third_of_a = (await scenario.register(session["id"], a)).json()["enrollment"]
    waiting_b = (await scenario.register(session["id"], b)).json()["enrollment"]
    await scenario.register(session["id"], c)
    # b's membership lapses on the session's start: skipped, kept in the list
    await scenario.lapse(b, START)
    scenario.at(START - days(10))
    withdrawn = await scenario.client.post(
        f"/enrollments/{early['id']}/withdraw", headers=scenario.member(a)
    )
    assert withdrawn.status_code == 200, withdrawn.text
    body = withdrawn.json()
    assert (body["counted"], body["reason"]) == (False, "withdrawn_in_time")
    # a has one place left: its third employee is eligible again and first in line
    assert body["promoted"] == [third_of_a["id"]]
    scenario.at(START - days(9))
    withdrawn = await scenario.client.post(
        f"/enrollments/{late['id']}/withdraw", headers=scenario.member(a)
    )
    body = withdrawn.json()
    assert (body["counted"], body["reason"]) == (True, "withdrawn_late")
    roster = (
        await scenario.client.get(f"/sessions/{session['id']}/roster", headers=scenario.staff)
    ).json()
    # b no longer satisfies T2: skipped, still waiting at the head; c promoted
    assert [w["id"] for w in roster["waiting"]] == [waiting_b["id"]]
    assert roster["waiting"][0]["position"] == 1
    assert len(roster["places"]) == 2
    promoted = await scenario.outbox("EnrollmentPromoted", session_id=session["id"])
    assert len(promoted) == 2
    assert all(p["aggregate_version"] == 2 for p in promoted)


async def test_t7_attendance_after_the_session_and_the_counts_follow(scenario: Scenario) -> None:
    siren = await scenario.member_of()
    session = await scenario.session()
    place = await scenario.placed(session["id"], siren)
    url = f"/enrollments/{place['id']}/attendance"
    before = await scenario.client.put(url, json={"attendance": "present"}, headers=scenario.staff)
    assert before.status_code == 409
    assert before.json()["code"] == "T7"
    scenario.at(START + days(1))
    justified = await scenario.client.put(
        url, json={"attendance": "absent_justified"}, headers=scenario.staff
    )
    assert justified.status_code == 200
    assert not justified.json()["counted"]
    unjustified = await scenario.client.put(
        url, json={"attendance": "absent_unjustified"}, headers=scenario.staff
    )
    assert unjustified.json()["counted"]
    recorded = await scenario.outbox("AttendanceRecorded", enrollment_id=place["id"])
    assert [r["aggregate_version"] for r in recorded] == [2, 3]


async def test_t8_a_cancelled_session_ends_every_place_and_entry_uncounted(
    scenario: Scenario,
) -> None:
    siren = await scenario.member_of()
    session = await scenario.session(capacity=1)
    place = await scenario.placed(session["id"], siren)
    waiting = (await scenario.register(session["id"], siren)).json()["enrollment"]
    response = await scenario.client.post(
        f"/sessions/{session['id']}/cancel",
        json={"reason": "Formateur absent"},
        headers=scenario.staff,
    )
    assert response.status_code == 200, response.text
    assert set(response.json()["cancelled_enrollments"]) == {place["id"], waiting["id"]}
    cancelled = await scenario.outbox("EnrollmentCancelled", session_id=session["id"])
    assert {(c["payload"]["reason"], c["payload"]["counted"]) for c in cancelled} == {
        ("session_cancelled", False)
    }
    assert (await scenario.outbox("SessionCancelled", session_id=session["id"]))[0][
        "aggregate_version"
    ] == 2
    again = await scenario.client.post(
        f"/sessions/{session['id']}/cancel", json={"reason": "x"}, headers=scenario.staff
    )
    assert again.status_code == 409
    assert again.json()["code"] == "T8"
    closed = await scenario.register(session["id"], siren)
    assert closed.status_code == 409
    assert closed.json()["code"] == "T8"


async def test_staff_export_the_roster_as_csv_for_spreadsheets(scenario: Scenario) -> None:
    siren = await scenario.member_of()
    session = await scenario.session(capacity=1)
    await scenario.placed(session["id"], siren, "=cmd@example.org")
    await scenario.register(session["id"], siren)
    response = await scenario.client.get(
        f"/sessions/{session['id']}/roster.csv", headers=scenario.staff
    )
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:3] == ["liste", "rang", "nom"]
    assert lines[1].startswith("place;;Martin;Camille;'=cmd@example.org;")
    assert lines[2].startswith("attente;1;")


async def test_t2_member_rights_show_the_projection_the_decisions_read(
    scenario: Scenario,
) -> None:
    siren = await scenario.member_of(training_organisation=True)
    url = f"/member-rights/{siren}"
    member = await scenario.client.get(url, params={"on": "2026-06-01"}, headers=scenario.staff)
    assert member.status_code == 200, member.text
    assert member.json() | {"until": None} == {
        "siren": siren,
        "on": "2026-06-01",
        "member": True,
        "plan": "simple",
        "in_grace": False,
        "until": None,
        "training_organisation": True,
        "qualiopi_valid_until": None,
    }
    assert member.json()["until"] == "2026-12-31"
    own = await scenario.client.get(url, headers=scenario.member(siren))
    assert own.status_code == 200
    other = await scenario.client.get(url, headers=scenario.member(new_siren()))
    assert (other.status_code, other.json()["code"]) == (404, "not_found")
    await scenario.lapse(siren, date(2026, 3, 1))
    lapsed = await scenario.client.get(url, params={"on": "2026-03-01"}, headers=scenario.staff)
    assert (lapsed.json()["member"], lapsed.json()["plan"]) == (False, None)
