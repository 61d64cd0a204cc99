"""What the service benchmarks that load one API against the bare baseline have in common.

The enrollment rush and the booking bench each measure a service's API (uvicorn in a
subprocess, on a fresh database whose member-rights projection is seeded directly) against the
bare baseline of :mod:`http_load`, in rounds of the same size, bare then service in each round,
and report the pooled figures. This module gives them:

- :func:`fresh_databases`: the service's database (migrated) and the bare one, dropped after;
- :func:`grant_member_rights`: a membership of a structure for a year in the projection, as the
  service would have it from ``MembershipActivated``;
- :func:`api_server`: the service's API as ``python -m <service> api`` serves it;
- :func:`compare_rounds` and :func:`report`: the measured rounds and their pooled figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import asyncpg
from databases import create_database, drop_databases
from http_load import Call, LoadResult, Server, bare_calls, free_port, run_load, uvicorn_command
from stdnum import luhn

from shared.contracts import MembershipActivated
from shared.db import upgrade_to_head
from shared.messaging.outbox import AggregateRef, build_envelope
from shared.projections.member_rights import apply_member_fact

CONCURRENCY = 32


def numbered_siren(i: int, first: int) -> str:
    """The ``i``-th of a series of Luhn-valid SIRENs from ``first`` (8 digits), the same on every
    run so that a seed replays the same requests."""
    base = f"{first + i * 7919:08d}"
    return base + luhn.calc_check_digit(base)


@contextlib.asynccontextmanager
async def fresh_databases(service: str, service_dir: Path) -> AsyncIterator[tuple[str, str]]:
    """The URLs of a new database of ``service`` (its migrations run) and of a new bare one;
    both are dropped on the way out, whatever happened."""
    run = uuid.uuid4().hex[:8]
    names = (f"bench_{service}_{run}", f"bench_bare_{run}")
    try:
        urls = [await create_database(name) for name in names]
        await asyncio.to_thread(upgrade_to_head, service_dir, urls[0])
        yield urls[0], urls[1]
    finally:
        await drop_databases(names)


async def grant_member_rights(
    driver: asyncpg.Connection,
    siren: str,
    year: int,
    plan: Literal["simple", "premium"],
    *,
    training_organisation: bool = False,
) -> None:
    """A paid membership of ``siren`` for the calendar year, applied to the projection as the
    service's consumer applies ``MembershipActivated``."""
    membership_id = uuid.uuid4()
    event = MembershipActivated(
        membership_id=membership_id,
        siren=siren,
        year=year,
        plan=plan,
        valid_from=date(year, 1, 1),
        valid_until=date(year, 12, 31),
        training_organisation=training_organisation,
        activated_at=datetime.now(UTC),
    )
    envelope = build_envelope(event, aggregate=AggregateRef.of(membership_id, 1))
    await apply_member_fact(driver, event, envelope)


def api_server(service: str, url: str, profile: str | None) -> Server:
    """The service's API on a free port, on the database at ``url`` (with ``profile``, under
    cProfile, its statistics written in that folder)."""
    port = free_port()
    command = uvicorn_command(f"{service}.app:app", port)
    if profile:
        command[1:1] = ["-m", "cProfile", "-o", str(Path(profile) / f"{service}-api.prof")]
    env = {f"{service.upper()}_DATABASE_URL": url, "LOG_LEVEL": "WARNING", "LOG_JSON": "false"}
    return Server(command, port, env)


def add_load_arguments(parser: argparse.ArgumentParser, service: str, seed: int) -> None:
    parser.add_argument("--count", type=int, default=600, help="measured requests per round")
    parser.add_argument("--warmup", type=int, default=300, help="unmeasured requests first")
    parser.add_argument("--rounds", type=int, default=4, help=f"rounds, bare then {service}")
    parser.add_argument("--seed", type=int, default=seed)
    parser.add_argument("--profile", default=None, help="directory for a cProfile of the API")


@dataclass
class Comparison:
    """The rounds of the bare baseline and of the service, and the service's warm-up."""

    service: str
    bare: list[LoadResult]
    measured: list[LoadResult]
    warmup: LoadResult

    def pooled(self) -> dict[str, LoadResult]:
        return {
            "bare": LoadResult.pooled(self.bare),
            self.service: LoadResult.pooled(self.measured),
        }


async def compare_rounds(
    service: str,
    api: Server,
    bare: Server,
    calls: Sequence[Call],
    bodies: Sequence[dict[str, Any]],
    args: argparse.Namespace,
) -> Comparison:
    """``args.warmup`` unmeasured requests to each, then ``args.rounds`` rounds of
    ``args.count``: bare then service in each round, so that the machine's other work moves
    both alike and the pooled figures compare like with like."""
    async with api.running(), bare.running():
        warm = slice(0, args.warmup)
        await run_load(bare.url, bare_calls(bodies[warm]), CONCURRENCY, "bare")
        warmed = await run_load(api.url, calls[warm], CONCURRENCY, service)
        comparison = Comparison(service, [], [], warmed)
        for r in range(args.rounds):
            chunk = slice(args.warmup + r * args.count, args.warmup + (r + 1) * args.count)
            for results, name, server, load in (
                (comparison.bare, "bare", bare, bare_calls(bodies[chunk])),
                (comparison.measured, service, api, calls[chunk]),
            ):
                result = await run_load(server.url, load, CONCURRENCY, name, server)
                print(f"  round {r + 1}: " + result.summary(), flush=True)
                results.append(result)
    return comparison


def report(comparison: Comparison) -> tuple[float, float]:
    """Print the pooled figures and each round's ratio; returns the service/bare ratios of
    throughput and of p99 latency."""
    pooled = comparison.pooled()
    service, bare = pooled[comparison.service], pooled["bare"]
    print()
    for name, result in pooled.items():
        print(
            f"{name:9} {result.throughput:7.1f} req/s   p50 {result.percentile(50):7.1f} ms   "
            f"p99 {result.percentile(99):7.1f} ms   server CPU {result.server_cpu_ms or 0:.2f} "
            f"ms/request   ({result.count} requests over {len(comparison.bare)} rounds)"
        )
    paired = sorted(
        s.throughput / b.throughput
        for b, s in zip(comparison.bare, comparison.measured, strict=True)
    )
    print(f"throughput ratio of each round: {', '.join(f'{x:.2f}' for x in paired)}")
    print(
        f"server CPU per request, {comparison.service} / bare: "
        f"{(service.server_cpu_ms or 0) / (bare.server_cpu_ms or 1):.2f}"
    )
    return service.throughput / bare.throughput, service.percentile(99) / bare.percentile(99)
