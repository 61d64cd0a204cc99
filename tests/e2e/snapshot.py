"""The end state of the year as every service's API shows it, normalised for comparison.

Ids, numbers tied to a structure and timestamps differ from one run to another (which of two
approvals billing numbers first is the broker's business); statuses, counts, amounts and days do
not. So the snapshot names structures, people and sessions by the scenario's labels and keeps
the invoice and credit-note numbers only as sorted lists (F2: the same gap-free series).

:func:`disagreements` then reads it across services: what membership says of each structure
on a few days against what training and booking decide from (their member-rights
projections), and against billing's dues invoices.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from tests.e2e.agency import NEXT, YEAR, Agency

#: Days on which every service's view of each structure is compared: after the last change of
#: each structure's membership that concerns the day (an upgrade rewrites its period's start).
CHECK_DAYS = (date(YEAR, 9, 15), date(NEXT, 1, 20), date(NEXT, 2, 16), date(NEXT, 3, 1))
Snapshot = dict[str, Any]


async def membership_view(a: Agency) -> Snapshot:
    view: Snapshot = {}
    for label, s in a.structures.items():
        memberships = sorted(
            (
                m["year"],
                m["plan"],
                m["kind"],
                m["state"],
                m["amount"],
                m["valid_from"],
                m["premium_from"],
                m["lapsed_on"],
                m["lapse_reason"],
            )
            for m in await a.memberships(label)
        )
        applications = sorted(
            (x["year"], x["kind"], x["plan"], x["status"])
            for x in await a.call(
                "membership", "GET", f"/structures/{s.siren}/applications", a.staff
            )
        )
        rights = {}
        for day in CHECK_DAYS:
            r = await a.call(
                "membership", "GET", f"/rights/{s.siren}", a.staff, params={"on": day.isoformat()}
            )
            rights[day.isoformat()] = (r["status"], r["plan"])
        view[label] = {"memberships": memberships, "applications": applications, "rights": rights}
    calls = await a.call("membership", "GET", f"/campaigns/{NEXT}/calls", a.staff)
    view["calls"] = sorted(a.by_siren[c["siren"]].label for c in calls)
    return view


async def _rights(a: Agency, service: str) -> Snapshot:
    return {
        label: {
            day.isoformat(): (r["member"], r["plan"])
            for day in CHECK_DAYS
            for r in [await a.member_rights(service, label, day)]
        }
        for label in a.structures
    }


async def training_view(a: Agency) -> Snapshot:
    sessions = {v: k.partition(":")[2] for k, v in a.ids.items() if k.startswith("session:")}
    view: Snapshot = {"rights": await _rights(a, "training"), "enrollments": {}, "years": {}}
    for label, s in a.structures.items():
        found = await a.pages("training", f"/structures/{s.siren}/enrollments", a.staff)
        view["enrollments"][label] = sorted(
            (
                sessions[e["session_id"]],
                e["email"].partition("@")[0],
                e["status"],
                e["counted"],
                e["attendance"],
                e["end_reason"],
                e["waiting_reason"],
                e["position"],
                e["by_staff"],
            )
            for e in found
        )
    for person in sorted(a.people.values(), key=lambda p: p.label):
        for y in (YEAR, NEXT):
            got = await a.call(
                "training",
                "GET",
                f"/employees/{person.email}/years/{y}",
                a.staff,
                expect=(200, 404),
            )
            if "counted_actions" in got:  # 404: no entry that year
                view["years"][f"{person.label}/{y}"] = (
                    got["counted_actions"],
                    got["counted_trainings"],
                )
    view["sessions"] = {
        label: (got["cancelled"], got["places_taken"], got["waiting"])
        for sid, label in sorted(sessions.items(), key=lambda x: x[1])
        for got in [await a.call("training", "GET", f"/sessions/{sid}", a.staff)]
    }
    return view


async def booking_view(a: Agency) -> Snapshot:
    view: Snapshot = {"rights": await _rights(a, "booking"), "bookings": {}, "credits": {}}
    for label, s in a.structures.items():
        found = await a.pages("booking", "/bookings", a.staff, siren=s.siren)
        view["bookings"][label] = sorted(
            (
                b["resource_name"],
                b["date"],
                b["starts_at"],
                b["ends_at"],
                b["status"],
                b["cancel_reason"],
                b["credit_returned"],
                b["amount"],
            )
            for b in found
        )
        for y in (YEAR, NEXT):
            got = await a.call("booking", "GET", f"/structures/{s.siren}/credits/{y}", a.staff)
            view["credits"][f"{label}/{y}"] = (got["used"], got["left"])
    return view


async def billing_view(a: Agency) -> Snapshot:
    view: Snapshot = {"invoices": {}, "reminders": {}}
    invoices = await a.pages("billing", "/invoices", a.finance)
    for i in invoices:
        label = a.by_siren[i["siren"]].label
        view["invoices"].setdefault(label, []).append(
            (
                i["kind"],
                i["year"],
                i["plan"],
                i["total"],
                i["paid"],
                i["credited"],
                i["outstanding"],
                i["overpaid"],
                i["status"],
                i["issued_on"],
                i["due_on"],
                i["paid_on"],
                i["overdue_on"],
            )
        )
        reminders = await a.call("billing", "GET", f"/invoices/{i['id']}/reminders", a.finance)
        if reminders:
            view["reminders"][f"{label}/{i['kind']}/{i['year']}"] = [
                (r["level"], r["kind"], r["sent_on"], r["amount_due"]) for r in reminders
            ]
    for rows in view["invoices"].values():
        rows.sort()
    view["invoice_numbers"] = sorted(i["number"] for i in invoices)
    notes = await a.pages("billing", "/credit-notes", a.finance)
    view["credit_note_numbers"] = sorted(n["number"] for n in notes)
    view["credit_notes"] = sorted(
        (a.by_siren[n["siren"]].label, n["amount"], n["cancels_invoice"], n["issued_on"])
        for n in notes
    )
    payments = await a.pages("billing", "/payments", a.finance)
    view["payments"] = sorted(
        (p["method"], p["amount"], p["allocated"], p["status"], p["source"], p["received_on"])
        for p in payments
    )
    report = await a.call(
        "billing",
        "GET",
        "/reconciliation",
        a.finance,
        params={"from": f"{YEAR}-01-01", "to": f"{NEXT}-12-31"},
    )
    view["reconciliation"] = {
        "consistent": report["consistent"],
        "mismatches": report["mismatches"],
        "invoices": report["invoices"],
        "payments": report["payments"],
        "totals": report["totals"],
        "credit_notes": len(report["credit_notes"]),
        "unmatched_payments": len(report["unmatched_payments"]),
        "overdue": sorted(
            (
                a.by_siren[o["siren"]].label,
                o["days_late"],
                o["outstanding"],
                o["last_reminder_level"],
                o["last_reminder_kind"],
            )
            for o in report["overdue"]
        ),
    }
    return view


async def snapshot(a: Agency) -> Snapshot:
    """The year's end state as the four APIs show it, normalised (JSON-like, comparable)."""
    views = await asyncio.gather(
        membership_view(a), training_view(a), booking_view(a), billing_view(a)
    )
    return dict(zip(("membership", "training", "booking", "billing"), views, strict=True))


def disagreements(state: Snapshot) -> list[str]:
    """Where the services' views of a structure differ: member status and plan on each check
    day (membership's ``/rights`` against training's and booking's projections), and each
    year's membership against its dues invoice in billing."""
    found: list[str] = []
    membership, billing = state["membership"], state["billing"]
    for label, view in membership.items():
        if label == "calls":
            continue
        for day, (status, plan) in view["rights"].items():
            expected = (True, plan) if status in ("active", "grace") else (False, None)
            for service in ("training", "booking"):
                seen = tuple(state[service]["rights"][label][day])
                if seen != expected:
                    found.append(f"{label} on {day}: membership {status}/{plan}, {service} {seen}")
        dues = {
            (i[1], i[8])
            for i in billing["invoices"].get(label, [])
            if i[0].startswith("membership_")
        }
        for year, _plan, _kind, state_, *_ in view["memberships"]:
            wanted = {
                "active": {"paid"},
                "lapsed": {"paid"},
                "withdrawn": {"cancelled"},
                "awaiting_payment": {"unpaid", "partly_paid", "overdue"},
            }[state_]
            statuses = {s for y, s in dues if y == year}
            if len(statuses) != 1 or not statuses <= wanted:
                found.append(
                    f"{label} {year}: membership {state_}, billing dues {sorted(statuses)}"
                )
    return found
