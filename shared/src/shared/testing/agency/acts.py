"""What a scenario's people do often: register a structure and apply, open the catalogue and
the rooms, pre-register an employee, withdraw, record attendance, book a resource, run the day's
finance jobs; each checks the answer it gets. The catalogue's acts reuse what a platform already
holds under the same name, so that a scenario may run again on the same platform."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from shared.testing.agency.agency import Agency

#: A resource by its label: name, kind, capacity.
Resource = tuple[str, str, int]
#: An action by its label: type, title, duration in days (``None``: not a training).
Action = tuple[str, str, int | None]
#: A session by its label: action label, first day, days, capacity, registration opens on,
#: place and department (``None``: remote).
Session = tuple[str, date, int, int, date, tuple[str, str] | None]


async def register(a: Agency, label: str) -> Any:
    """The structure's member registers it (M1)."""
    s = a.structures[label]
    return await a.call(
        "membership", "POST", "/structures", a.member(label), json=s.registration(), expect=201
    )


async def apply(a: Agency, label: str, year: int, texts: Mapping[str, str]) -> Any:
    """The structure's member applies for ``year`` at its plan (M5: the three texts)."""
    s = a.structures[label]
    applied = await a.call(
        "membership",
        "POST",
        "/applications",
        a.member(label),
        expect=201,
        json={"siren": s.siren, "year": year, "plan": s.plan, "texts": dict(texts)},
    )
    a.ids[f"application:{label}"] = applied["id"]
    return applied


async def set_terms(
    a: Agency,
    year: int,
    dues: Mapping[str, str],
    booking: Mapping[str, Any],
    training: Mapping[str, int] | None = None,
) -> None:
    """Staff set a year's dues (M2, M10), booking terms (B2, B3, B6) and T3's limits."""
    await a.call("membership", "PUT", f"/tariffs/{year}", a.staff, json=dict(dues))
    await a.call("booking", "PUT", f"/policies/{year}", a.staff, json=dict(booking))
    if training is not None:
        await a.call("training", "PUT", f"/policies/{year}", a.staff, json=dict(training))


async def add_resources(a: Agency, resources: Mapping[str, Resource]) -> None:
    """Staff open the site's resources (B1); one of that name already there is kept."""
    existing = {r["name"]: r["id"] for r in await a.pages("booking", "/resources", a.staff)}
    for key, (name, kind, capacity) in resources.items():
        if name not in existing:
            body = {"name": name, "kind": kind, "capacity": capacity}
            made = await a.call("booking", "POST", "/resources", a.staff, json=body, expect=201)
            existing[name] = made["id"]
        a.ids[f"resource:{key}"] = existing[name]


async def add_actions(a: Agency, actions: Mapping[str, Action]) -> None:
    """Staff publish the catalogue's actions (T1); one of that title already there is kept."""
    existing = {x["title"]: x["id"] for x in await a.pages("training", "/actions", a.staff)}
    for key, (kind, title, days) in actions.items():
        if title not in existing:
            body: dict[str, Any] = {
                "type": kind,
                "title": title,
                "description": f"{title} : une action ParcoursPro.",
                "remote": kind == "self_training",
            }
            if days is not None:
                body["duration_days"] = days
            made = await a.call("training", "POST", "/actions", a.staff, json=body, expect=201)
            existing[title] = made["id"]
        a.ids[f"action:{key}"] = existing[title]


async def add_sessions(a: Agency, sessions: Mapping[str, Session]) -> None:
    """Staff schedule the actions' sessions (T1); one of that action and first day already
    there is kept."""
    listed = await a.pages("training", "/sessions", a.staff, include_closed="true")
    existing = {(x["action_id"], x["starts_on"]): x["id"] for x in listed}
    for key, (action, starts_on, days, capacity, opens_on, where) in sessions.items():
        action_id = a.ids[f"action:{action}"]
        found = existing.get((action_id, starts_on.isoformat()))
        if found is None:
            body = {
                "starts_on": starts_on.isoformat(),
                "ends_on": (starts_on + timedelta(days=days - 1)).isoformat(),
                "capacity": capacity,
                "registration_opens_on": opens_on.isoformat(),
            }
            if where is not None:
                body |= {"place": where[0], "department": where[1]}
            path = f"/actions/{action_id}/sessions"
            found = (await a.call("training", "POST", path, a.staff, json=body, expect=201))["id"]
        a.ids[f"session:{key}"] = found


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
