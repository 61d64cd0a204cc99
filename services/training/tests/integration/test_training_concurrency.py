"""T3, T4, T5, T10 under concurrency, over HTTP on the real database.

Each round, 300 simultaneous pre-registrations for a 12-place session from 40 structures
(each employee asking two or three times: T10), while 40 more ask for a rival session of
another action (the employees' yearly counts raced across sessions: T3). The employees' counts
grow round after round, so later rounds meet the yearly limits. After every round the database
is checked by SQL: no interleaving may break a rule.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from typing import Any

import pytest

from ..conftest import START, Scenario, days, siret_of

pytestmark = pytest.mark.integration

ROUNDS = 10
REQUESTS = 300
RIVAL_REQUESTS = 40
CAPACITY = 12
STRUCTURES = 40
EMPLOYEES_PER_STRUCTURE = 3


async def violations(scenario: Scenario, session_ids: list[str]) -> list[str]:
    """Every rule broken in the database, in words (empty: none)."""
    found: list[str] = []
    for sid, taken in await scenario.sql(
        "SELECT e.session_id, count(*) FROM enrollments e JOIN sessions s ON s.id = e.session_id"
        " WHERE e.status = 'confirmed' GROUP BY e.session_id, s.capacity"
        " HAVING count(*) > s.capacity"
    ):
        found.append(f"session {sid}: {taken} places")
    for sid, siren, n in await scenario.sql(
        "SELECT session_id, siren, count(*) FROM enrollments WHERE status = 'confirmed'"
        " GROUP BY session_id, siren HAVING count(*) > 2"
    ):
        found.append(f"T4: {n} places of {siren} in {sid}")
    for email, actions, trainings in await scenario.sql(
        "SELECT email, count(*) FILTER (WHERE counted),"
        " count(*) FILTER (WHERE counted AND action_type = 'training')"
        " FROM enrollments WHERE year = 2026 GROUP BY email"
        " HAVING count(*) FILTER (WHERE counted) > 4"
        " OR count(*) FILTER (WHERE counted AND action_type = 'training') > 3"
    ):
        found.append(f"T3: {email} counts {actions} actions, {trainings} trainings")
    for action, email, n in await scenario.sql(
        "SELECT action_id, email, count(*) FROM enrollments"
        " WHERE status IN ('confirmed', 'waiting') GROUP BY action_id, email HAVING count(*) > 1"
    ):
        found.append(f"T10: {email} {n} times on {action}")
    for sid in session_ids:
        # T5: a free place left only while no waiting entry may take it (here: T4 blocks them)
        rows = await scenario.sql(
            "SELECT s.capacity - count(*) FILTER (WHERE e.status = 'confirmed'),"
            " count(*) FILTER (WHERE e.status = 'waiting' AND ("
            "   SELECT count(*) FROM enrollments p WHERE p.session_id = e.session_id"
            "   AND p.status = 'confirmed' AND p.siren = e.siren) < 2)"
            " FROM sessions s JOIN enrollments e ON e.session_id = s.id"
            " WHERE s.id = CAST(:sid AS uuid) GROUP BY s.capacity",
            sid=sid,
        )
        free, eligible_waiting = rows[0]
        if free > 0 and eligible_waiting > 0:
            found.append(f"T5: {free} free places while {eligible_waiting} entries could take them")
    return found


def first_come(responses: list[Any], waiting_order: list[str]) -> bool:
    """The waiting list's order is the order in which the requests were decided: the ranks
    answered are 1..n, and the list in the database follows them."""
    ranks = {
        r.json()["enrollment"]["id"]: r.json()["position"]
        for r in responses
        if r.status_code == 201 and r.json()["outcome"] == "waiting"
    }
    return sorted(ranks.values()) == list(range(1, len(ranks) + 1)) and [
        i for i in waiting_order if i in ranks
    ] == sorted(ranks, key=ranks.__getitem__)


async def test_t3_t4_t5_t10_simultaneous_requests_never_break_a_rule(scenario: Scenario) -> None:
    sirens = [await scenario.member_of() for _ in range(STRUCTURES)]
    people = [
        (siren, f"p{i}-{siren}@example.org", siret_of(siren, 1 + i % 2))
        for siren in sirens
        for i in range(EMPLOYEES_PER_STRUCTURE)
    ]
    rng = random.Random(20260131)
    refusals: Counter[str] = Counter()
    sessions: list[str] = []
    last: dict[str, Any] = {}
    for _ in range(ROUNDS):
        main = await scenario.session(capacity=CAPACITY)
        rival = await scenario.session(rng.choice(["training", "self_training"]), capacity=CAPACITY)
        sessions += [main["id"], rival["id"]]
        asks = [(main["id"], p) for p in people]
        asks += [(main["id"], rng.choice(people)) for _ in range(REQUESTS - len(people))]
        asks += [(rival["id"], rng.choice(people)) for _ in range(RIVAL_REQUESTS)]
        rng.shuffle(asks)
        responses = await asyncio.gather(
            *(
                scenario.register(sid, siren, email, siret=siret)
                for sid, (siren, email, siret) in asks
            )
        )
        for response in responses:
            assert response.status_code in (201, 409, 422), response.text
            if response.status_code != 201:
                refusals[response.json()["code"]] += 1
        assert await violations(scenario, [main["id"], rival["id"]]) == []
        order = [
            str(r[0])
            for r in await scenario.sql(
                "SELECT id FROM enrollments WHERE session_id = CAST(:s AS uuid)"
                " AND status = 'waiting' ORDER BY queue_seq",
                s=main["id"],
            )
        ]
        main_responses = [
            r for (sid, _), r in zip(asks, responses, strict=True) if sid == main["id"]
        ]
        assert first_come(main_responses, order)
        taken = await scenario.sql(
            "SELECT count(*) FROM enrollments WHERE session_id = CAST(:s AS uuid)"
            " AND status = 'confirmed'",
            s=main["id"],
        )
        assert taken[0][0] == CAPACITY
        last = main
    # the rules were met, not dodged: duplicates (T10) and yearly limits (T3) were refused
    assert refusals["T10"] > 0
    assert refusals["T3"] > 0

    # a withdrawal gives the place to the first waiting entry still eligible (T5)
    scenario.at(START - days(20))
    place = (
        await scenario.sql(
            "SELECT id, siren FROM enrollments WHERE session_id = CAST(:s AS uuid)"
            " AND status = 'confirmed' ORDER BY id LIMIT 1",
            s=last["id"],
        )
    )[0]
    expected = await scenario.sql(
        "SELECT e.id FROM enrollments e WHERE e.session_id = CAST(:s AS uuid)"
        " AND e.status = 'waiting'"
        " AND (SELECT count(*) FROM enrollments p WHERE p.session_id = e.session_id"
        "      AND p.status = 'confirmed' AND p.siren = e.siren AND p.id <> :withdrawn) < 2"
        " AND (SELECT count(*) FILTER (WHERE counted AND action_type = 'training') < 3"
        "      AND count(*) FILTER (WHERE counted) < 4"
        "      FROM enrollments c WHERE c.email = e.email AND c.year = 2026)"
        " ORDER BY e.queue_seq LIMIT 1",
        s=last["id"],
        withdrawn=place[0],
    )
    response = await scenario.client.post(
        f"/enrollments/{place[0]}/withdraw", headers=scenario.member(place[1])
    )
    assert response.status_code == 200, response.text
    assert response.json()["promoted"] == [str(expected[0][0])]
    assert await violations(scenario, sessions) == []
