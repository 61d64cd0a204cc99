"""M11 over HTTP on the real database: the General Assembly from its convocation to its frozen
records — answers, proxies and their limit under concurrency, the attendance sheet, the quorum
at its boundary."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
from datetime import date, timedelta

import pytest

from services.membership.tests.conftest import new_siren
from services.membership.tests.governance import convene, members, new_year

pytestmark = pytest.mark.integration


def problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict = response.json()
    assert body["code"] == code, body
    return body


async def test_m11_convened_at_least_the_notice_before_the_day(scenario, client) -> None:
    year = await new_year(scenario)
    [siren] = await members(scenario, year, 1)
    held_on = date(year, 6, 12)
    scenario.at(held_on - timedelta(days=14))
    body = {
        "title": "AG",
        "held_on": held_on.isoformat(),
        "starts_at": "14:00:00",
        "address": "Pessac",
        "agenda": ["Rapport moral"],
    }
    refused = problem(
        await client.post("/assemblies", json=body, headers=scenario.staff), 422, "M11"
    )
    assert refused["required_days"] == 15
    assert refused["notice_days"] == 14
    problem(await client.post("/assemblies", json=body, headers=scenario.member(siren)), 403, "X3")

    assembly = await convene(scenario, held_on, notice_days=15)
    [convened] = await scenario.outbox("AssemblyConvened", assembly_id=assembly.id)
    assert convened["aggregate_id"] == assembly.id
    assert convened["aggregate_version"] == 1
    assert convened["payload"]["convened"] == [
        {
            "siren": siren,
            "legal_name": f"Structure {siren}",
            "email": f"contact-{siren}@example.org",
        }
    ]


async def test_m11_a_third_proxy_to_one_holder_is_refused(scenario) -> None:
    year = await new_year(scenario)
    holder, *givers = await members(scenario, year, 4)
    assembly = await convene(scenario, date(year, 6, 12))
    for giver in givers[:2]:
        response = await assembly.proxy(giver, holder)
        assert response.status_code == 200, response.text
        assert response.json()["proxy_holder"] == holder

    refused = problem(await assembly.proxy(givers[2], holder), 422, "M11")
    assert refused["held"] == 2
    assert refused["limit"] == 2
    view = await assembly.view()
    assert sorted(p["giver"] for p in view["proxies"] if p["status"] == "active") == sorted(
        givers[:2]
    )
    answer = await assembly.attend(holder)
    assert answer.json()["proxies_held"] == givers[:2]  # in the order given


async def test_m11_a_proxy_from_a_non_member_is_refused(scenario, client) -> None:
    year = await new_year(scenario)
    [holder] = await members(scenario, year, 1)
    outsider = await scenario.register()
    lapsed = await scenario.register()
    await scenario.member_of(lapsed, year - 1)
    assembly = await convene(scenario, date(year, 6, 12))

    for giver in (outsider, lapsed):
        refused = problem(await assembly.proxy(giver, holder), 422, "M11")
        assert refused["siren"] == giver
        assert "not a member" in refused["detail"]
    problem(await assembly.proxy(holder, outsider), 422, "M11")
    # X3: a member answers for its own structure only.
    response = await client.put(
        f"/assemblies/{assembly.id}/answers/{holder}",
        json={"answer": "proxy", "holder_siren": outsider},
        headers=scenario.member(outsider),
    )
    problem(response, 404, "not_found")
    assert [p for p in (await assembly.view())["proxies"]] == []


async def test_m11_a_proxy_is_cancelled_when_its_giver_attends(scenario) -> None:
    year = await new_year(scenario)
    giver, holder, other = await members(scenario, year, 3)
    assembly = await convene(scenario, date(year, 6, 12))
    assert (await assembly.proxy(giver, holder)).status_code == 200

    announced = await assembly.attend(giver, "Dominique Martin")
    assert announced.status_code == 200, announced.text
    assert announced.json()["proxy_holder"] is None
    assert announced.json()["attends"]["name"] == "Dominique Martin"
    [proxy] = (await assembly.view())["proxies"]
    assert proxy["status"] == "cancelled_by_attendance"

    # Given again, then signed in on the day: signing cancels it too.
    assert (await assembly.proxy(giver, other)).status_code == 200
    assembly.on_the_day()
    signed = await assembly.sign(giver)
    assert signed.status_code == 201, signed.text
    assert signed.json()["proxy_holder"] is None
    assert signed.json()["signed"] is True
    statuses = [p["status"] for p in (await assembly.view())["proxies"]]
    assert statuses == ["cancelled_by_attendance", "cancelled_by_attendance"]
    problem(await assembly.sign(giver), 409, "M11")


async def test_m11_quorum_missed_one_short_and_reached_at_the_share(scenario) -> None:
    """Eight members, a quarter required: 2 present or represented reach it, 1 does not."""
    year = await new_year(scenario)
    sirens = await members(scenario, year, 8)
    missed = await convene(scenario, date(year, 6, 12))
    reached = await convene(scenario, date(year, 6, 12))
    assert (await reached.proxy(sirens[1], sirens[0])).status_code == 200

    missed.on_the_day()
    assert (await missed.sign(sirens[0])).status_code == 201
    assert (await reached.sign(sirens[0])).status_code == 201
    live = (await missed.quorum())["now"]
    assert (live["eligible"], live["counted"], live["required"], live["reached"]) == (
        8,
        1,
        2,
        False,
    )
    live = (await reached.quorum())["now"]
    assert (live["present"], live["represented"], live["reached"]) == (1, 1, True)

    opened = await missed.open()
    assert opened.status_code == 200, opened.text
    assert opened.json()["quorum"]["reached"] is False
    assert opened.json()["quorum"]["counted"] == 1
    assert (await reached.open()).json()["quorum"] == {
        "eligible": 8,
        "present": 1,
        "represented": 1,
        "counted": 2,
        "required": 2,
        "reached": True,
        "share": "0.25",
        "second_convocation": False,
    }
    [event] = await scenario.outbox("AssemblyOpened", assembly_id=missed.id)
    assert event["payload"]["quorum_reached"] is False
    assert event["payload"]["quorum_required"] == 2
    assert event["aggregate_version"] == 2


async def test_m11_end_to_end_convene_answer_sign_open_close_export(scenario, client) -> None:
    year = await new_year(scenario)
    a, b, c, d, absent = await members(scenario, year, 5)
    assembly = await convene(scenario, date(year, 6, 12))
    assembly.before_the_day()
    assert (await assembly.attend(a, "Alice Arnaud")).status_code == 200
    assert (await assembly.proxy(b, a)).status_code == 200
    assert (await assembly.proxy(c, d)).status_code == 200
    problem(await assembly.open(), 409, "M11")  # not before its day

    assembly.on_the_day()
    assert (await assembly.sign(a, "Alice Arnaud")).status_code == 201
    assert (await assembly.sign(d, "Denis Dupuy")).status_code == 201
    problem(
        await client.get(
            f"/assemblies/{assembly.id}/records/attendance.csv", headers=scenario.staff
        ),
        409,
        "M11",
    )
    opened = (await assembly.open()).json()
    assert opened["quorum"]["counted"] == 4
    assert opened["quorum"]["reached"] is True
    problem(await assembly.proxy(absent, a), 409, "M11")  # answers end at the opening
    closed = await assembly.close()
    assert closed.status_code == 200, closed.text
    assert closed.json()["state"] == "closed"

    [event] = await scenario.outbox("AssemblyClosed", assembly_id=assembly.id)
    assert event["aggregate_version"] == 3
    assert event["payload"]["participants"] == sorted(
        [
            {
                "siren": a,
                "legal_name": f"Structure {a}",
                "participation": "present",
                "proxy_holder_siren": None,
            },
            {
                "siren": d,
                "legal_name": f"Structure {d}",
                "participation": "present",
                "proxy_holder_siren": None,
            },
            {
                "siren": b,
                "legal_name": f"Structure {b}",
                "participation": "represented",
                "proxy_holder_siren": a,
            },
            {
                "siren": c,
                "legal_name": f"Structure {c}",
                "participation": "represented",
                "proxy_holder_siren": d,
            },
        ],
        key=lambda p: p["siren"],
    )

    sheet = await client.get(
        f"/assemblies/{assembly.id}/records/attendance.csv", headers=scenario.board
    )
    assert sheet.status_code == 200, sheet.text
    assert sheet.headers["content-type"].startswith("text/csv")
    assert hashlib.sha256(sheet.content).hexdigest() == event["payload"]["attendance_csv_sha256"]
    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "SIREN"
    assert {(r[0], r[2], r[5], r[6]) for r in rows[1:]} == {
        (a, "Alice Arnaud", "1", b),
        (d, "Denis Dupuy", "1", c),
    }
    proxies = await client.get(
        f"/assemblies/{assembly.id}/records/proxies.csv", headers=scenario.staff
    )
    lines = list(csv.reader(io.StringIO(proxies.content.decode("utf-8-sig")), delimiter=";"))
    assert {(r[0], r[2], r[5]) for r in lines[1:]} == {(b, a, "valide"), (c, d, "valide")}
    for name in ("attendance", "proxies"):
        pdf = await client.get(
            f"/assemblies/{assembly.id}/records/{name}.pdf", headers=scenario.staff
        )
        assert pdf.content.startswith(b"%PDF")
        assert hashlib.sha256(pdf.content).hexdigest() == event["payload"][f"{name}_pdf_sha256"]
    problem(
        await client.get(
            f"/assemblies/{assembly.id}/records/attendance.csv", headers=scenario.member(a)
        ),
        403,
        "X3",
    )
    problem(await assembly.close(), 409, "M11")

    # A member sees the assembly and its own answer, not the others'.
    mine = await assembly.view(scenario.member(b))
    assert mine["proxies"] is None
    assert mine["answer"]["proxy_holder"] == a


async def test_m11_concurrent_proxies_to_one_holder_never_exceed_the_limit(scenario) -> None:
    year = await new_year(scenario)
    holder, *givers = await members(scenario, year, 7)
    assembly = await convene(scenario, date(year, 6, 12))

    responses = await asyncio.gather(*(assembly.proxy(giver, holder) for giver in givers))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 200, 422, 422, 422, 422], [r.text for r in responses]
    assert all(r.json()["code"] == "M11" for r in responses if r.status_code == 422)
    active = [p for p in (await assembly.view())["proxies"] if p["status"] == "active"]
    assert len(active) == 2
    assert {p["giver"] for p in active} == {
        g for g, r in zip(givers, responses, strict=True) if r.status_code == 200
    }


async def test_m11_an_unknown_assembly_is_a_404(scenario, client) -> None:
    siren = new_siren()
    problem(
        await client.get(
            "/assemblies/00000000-0000-4000-8000-000000000000", headers=scenario.staff
        ),
        404,
        "not_found",
    )
    problem(
        await client.put(
            f"/assemblies/00000000-0000-4000-8000-000000000000/answers/{siren}",
            json={"answer": "proxy", "holder_siren": siren},
            headers=scenario.member(siren),
        ),
        404,
        "not_found",
    )
