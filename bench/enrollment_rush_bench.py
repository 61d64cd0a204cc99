"""The opening rush of ParcoursPro: pre-registrations over HTTP against a bare baseline.

The catalogue opens with 30 sessions; contacts of 500 member structures pre-register their
employees at once. The training API (``training.app:app``, uvicorn in a subprocess, as
``python -m training api`` serves it) takes the requests at concurrency 32 from an httpx client, on a fresh database whose
member-rights projection is seeded directly. In the same invocation, the bare baseline of
:mod:`http_load` (one insert through uvicorn, SQLAlchemy async and asyncpg) takes the same
bodies at the same concurrency. After the run, SQL checks that no rule was broken: places
within capacity (T5), at most two per structure and session (T4), no employee over the
yearly limits (T3), one session per action and person (T10).

``make bench`` runs it after the messaging bench; ``--help`` for the sizes. The last lines
are ``RATIO enrollment_rush_throughput <training/bare>`` and ``RATIO enrollment_rush_p99
<training/bare>`` (targets: >= 0.7 and <= 1.5).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_against_bare import (
    add_load_arguments,
    api_server,
    compare_rounds,
    fresh_databases,
    grant_member_rights,
    numbered_siren,
    report,
)
from http_load import Call, bare_server, free_port

from shared.auth import Role, mint_token
from shared.clock import SystemClock
from shared.db import create_engine, to_sync_url
from shared.settings import AuthSettings
from shared.testing.identifiers import siret_of
from training.domain.catalogue import ActionSpec, SessionSpec
from training.service import SERVICE_DIR
from training.unit_of_work import TrainingUnitOfWork
from training.use_cases import catalogue

CONCURRENCY = 32
SESSIONS = 30
STRUCTURES = 500


async def seed(url: str, sirens: list[str], capacity: int) -> list[uuid.UUID]:
    """The projection (one membership per structure, this year and next) and 30 sessions."""
    engine = create_engine(url)
    clock = SystemClock()
    today = clock.today()
    try:
        async with TrainingUnitOfWork(engine, clock) as uow:
            for siren in sirens:
                for year in (today.year, today.year + 1):
                    await grant_member_rights(uow.driver, siren, year, "simple")
            sessions = []
            types = ["training"] * 20 + ["self_training"] * 6 + ["innovation_lab"] * 4
            for n, kind in enumerate(types):
                remote = kind == "self_training"
                action = await catalogue.create_action(
                    uow,
                    catalogue.NewAction(
                        ActionSpec(kind, f"Action {n}", remote, 1 if kind == "training" else None),  # type: ignore[arg-type]
                        "Une action du programme ParcoursPro.",
                    ),
                )
                starts_on = today + timedelta(days=40 + n)
                session = await catalogue.create_session(
                    uow,
                    action.id,
                    SessionSpec(
                        starts_on=starts_on,
                        ends_on=starts_on,
                        capacity=capacity,
                        registration_opens_on=today - timedelta(days=1),
                        place=None if remote else "Pessac",
                        department=None if remote else "33",
                    ),
                )
                sessions.append(session.id)
            await uow.commit()
        return sessions
    finally:
        await engine.dispose()


def bodies_and_calls(
    count: int, sirens: list[str], sessions: list[uuid.UUID], auth: AuthSettings, rng: random.Random
) -> tuple[list[dict[str, Any]], list[Call]]:
    """``count`` pre-registrations: a random structure, one of its 8 employees (through its
    head office or a beneficiary SIRET), a random session."""
    tokens = {
        s: {"Authorization": f"Bearer {mint_token(auth, subject=s, roles=[Role.MEMBER], siren=s)}"}
        for s in sirens
    }
    bodies, calls = [], []
    for _ in range(count):
        siren = rng.choice(sirens)
        person = rng.randrange(8)
        body = {
            "first_name": "Camille",
            "last_name": f"Martin {person}",
            "email": f"salarie{person}@{siren}.example.org",
            "siret": siret_of(siren, 1 + person % 2),
        }
        bodies.append(body)
        calls.append(
            Call("POST", f"/sessions/{rng.choice(sessions)}/enrollments", body, tokens[siren])
        )
    return bodies, calls


VIOLATIONS = {
    "T5 places over capacity": """
        SELECT count(*) FROM (SELECT e.session_id FROM enrollments e JOIN sessions s
        ON s.id = e.session_id WHERE e.status = 'confirmed'
        GROUP BY e.session_id, s.capacity HAVING count(*) > s.capacity) x""",
    "T4 more than 2 places of a structure": """
        SELECT count(*) FROM (SELECT 1 FROM enrollments WHERE status = 'confirmed'
        GROUP BY session_id, siren HAVING count(*) > 2) x""",
    "T3 employees over the yearly limits": """
        SELECT count(*) FROM (SELECT e.email FROM enrollments e
        JOIN LATERAL (SELECT * FROM year_policies p WHERE p.year <= e.year
                      ORDER BY p.year DESC LIMIT 1) p ON true
        GROUP BY e.email, e.year, p.max_actions, p.max_trainings
        HAVING count(*) FILTER (WHERE e.counted) > p.max_actions
        OR count(*) FILTER (WHERE e.counted AND e.action_type = 'training')
           > p.max_trainings) x""",
    "T10 a person twice on an action": """
        SELECT count(*) FROM (SELECT 1 FROM enrollments WHERE status IN ('confirmed', 'waiting')
        GROUP BY action_id, email HAVING count(*) > 1) x""",
}


async def check_rules(url: str) -> dict[str, int]:
    connection = await asyncpg.connect(to_sync_url(url))
    try:
        found = {rule: int(await connection.fetchval(sql)) for rule, sql in VIOLATIONS.items()}
        found["(enrollments)"] = int(await connection.fetchval("SELECT count(*) FROM enrollments"))
        return found
    finally:
        await connection.close()


async def orchestrate(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    auth = AuthSettings()
    sirens = [numbered_siren(i, 10_000_000) for i in range(STRUCTURES)]
    print(
        f"enrollment rush: {args.rounds} rounds of {args.count} pre-registrations (after "
        f"{args.warmup} warm-up) at "
        f"concurrency {CONCURRENCY}, {SESSIONS} sessions of {args.capacity} places, "
        f"{STRUCTURES} structures; training API vs bare insert; {os.cpu_count()} CPU(s)",
        flush=True,
    )
    async with fresh_databases("training", SERVICE_DIR) as (training_db, bare_db):
        sessions = await seed(training_db, sirens, args.capacity)
        bodies, calls = bodies_and_calls(
            args.warmup + args.count * args.rounds, sirens, sessions, auth, rng
        )
        training = api_server("training", training_db, args.profile)
        bare = bare_server(bare_db, free_port())
        comparison = await compare_rounds("training", training, bare, calls, bodies, args)
        violations = await check_rules(training_db)
    throughput, p99 = report(comparison)
    errors = sum(r.server_errors for r in comparison.pooled().values())
    broken = {k: v for k, v in violations.items() if not k.startswith("(") and v}
    print(f"server errors: {errors}; enrollments written: {violations['(enrollments)']}")
    for rule, n in violations.items():
        if not rule.startswith("("):
            print(f"violations {rule}: {n}")
    met = throughput >= 0.7 and p99 <= 1.5 and not broken and not errors
    print(
        f"targets {'met' if met else 'NOT met'} (throughput >= 0.7 x bare, p99 <= 1.5 x bare, "
        f"no violation; {args.rounds} rounds pooled)"
    )
    print(f"RATIO enrollment_rush_throughput {throughput:.3f}")
    print(f"RATIO enrollment_rush_p99 {p99:.3f}")
    return 0 if not broken and not errors else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    add_load_arguments(parser, "training", seed=2027)
    parser.add_argument("--capacity", type=int, default=20, help="places per session")
    raise SystemExit(asyncio.run(orchestrate(parser.parse_args())))


if __name__ == "__main__":
    main()
