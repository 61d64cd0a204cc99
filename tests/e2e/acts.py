"""What the year's people do often: pre-register an employee, withdraw, record attendance,
book a resource, run the day's finance jobs; each checks the answer it gets."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.e2e.agency import Agency


async def enrol(
    a: Agency,
    session: str,
    person: str,
    *,
    nic: int = 1,
    staff: bool = False,
    outcome: str | None = None,
    refused: tuple[int, str] | None = None,
    position: int | None = None,
) -> Any:
    """``person`` asks for a place in ``session`` (through its structure's member, or staff)."""
    who = a.person(person, nic=nic)
    headers = a.staff if staff else a.member(person.partition("-")[0])
    path = f"/sessions/{a.ids[f'session:{session}']}/enrollments"
    if refused is not None:
        return await a.refused("training", "POST", path, headers, *refused, json=who.body())
    answer = await a.call("training", "POST", path, headers, json=who.body(), expect=201)
    assert answer["outcome"] == outcome, answer
    assert answer["position"] == position, answer
    a.ids[f"{session}/{person}"] = answer["enrollment"]["id"]
    return answer


async def withdraw(a: Agency, enrolment: str, *, reason: str, promoted: list[str]) -> None:
    label = enrolment.partition("/")[2].partition("-")[0]
    answer = await a.call(
        "training", "POST", f"/enrollments/{a.ids[enrolment]}/withdraw", a.member(label)
    )
    assert answer["reason"] == reason, answer
    assert answer["counted"] is (reason == "withdrawn_late"), answer
    assert answer["promoted"] == [a.ids[p] for p in promoted], answer


async def attendance(a: Agency, session: str, marks: dict[str, str]) -> None:
    for person, mark in marks.items():
        done = await a.call(
            "training",
            "PUT",
            f"/enrollments/{a.ids[f'{session}/{person}']}/attendance",
            a.staff,
            json={"attendance": mark},
        )
        assert done["attendance"] == mark, done


async def book(
    a: Agency,
    label: str,
    resource: str,
    day: date,
    hours: tuple[str, str] = ("09:00", "12:00"),
    *,
    refused: tuple[int, str] | None = None,
    category: str = "guidance",
) -> Any:
    body = {
        "siren": a.structures[label].siren,
        "resource_id": a.ids[f"resource:{resource}"],
        "date": day.isoformat(),
        "starts_at": hours[0],
        "ends_at": hours[1],
        "purpose": "Réunion du réseau des conseillers en orientation du territoire",
        "purpose_category": category,
        "attendance": 8,
    }
    if refused is not None:
        return await a.refused("booking", "POST", "/bookings", a.member(label), *refused, json=body)
    booked = await a.call("booking", "POST", "/bookings", a.member(label), json=body, expect=201)
    a.ids[f"booking:{label}:{resource}:{day}"] = booked["id"]
    return booked


async def run_finance_jobs(a: Agency) -> None:
    """What the scheduler (a CronJob in production) runs each day: overdue, then reminders."""
    day = {"as_of": a.today.isoformat()}
    await a.call("billing", "POST", "/overdue/run", a.finance, params=day)
    await a.call("billing", "POST", "/reminders/run", a.finance, params=day)
