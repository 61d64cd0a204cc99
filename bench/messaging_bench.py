"""Benchmark of the messaging kit against a minimal raw pipeline, on the real servers.

Each pipeline is three processes: a producer committing business transactions that write an
outbox row, a relay publishing the outbox to RabbitMQ, and a consumer applying each message once
through an inbox in its own database. The kit's pipeline uses ``UnitOfWork`` + ``OutboxWriter``,
``OutboxRelay`` and ``EventConsumers``; the raw one does the same work with plain asyncpg and
aio-pika. Both run in the same invocation, on fresh databases and a fresh AMQP namespace that
are dropped at the end.

Two measures per pipeline, each on new processes that first carry a few hundred warm-up
events (connections opened, statements prepared, lazy imports done), which are not measured:
- throughput flat out: N events produced as fast as 8 producer tasks can commit, from the first
  producer commit to the last consumer commit;
- latency paced at a fixed rate: producer commit -> consumer commit of each event, both read on
  the clock of this machine (``time.time()`` in each process), p50 and p99. The rate is 500/s,
  or less on a machine where that is more than 40% of what the raw pipeline carries flat out:
  latency is compared below saturation, not as the length of a backlog.

``make bench`` (or ``uv run python bench/messaging_bench.py``); ``--help`` for the sizes.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import tempfile
from pathlib import Path

from messaging_harness import Bench, Measure


def _table(results: dict[tuple[str, str], Measure], count: int, paced: int, rate: float) -> str:
    kit_flat, raw_flat = results["kit", "flat"], results["raw", "flat"]
    kit_paced, raw_paced = results["kit", "paced"], results["raw", "paced"]
    rows = [
        ("", "kit", "raw", "kit/raw", "target"),
        (
            f"throughput flat out, {count} events (msg/s)",
            f"{kit_flat.throughput:.0f}",
            f"{raw_flat.throughput:.0f}",
            f"{kit_flat.throughput / raw_flat.throughput:.2f}",
            f">= {TARGETS['messaging_throughput'][1]:.2f}",
        ),
        (
            f"latency p50 at {rate:.0f}/s, {paced} events (ms)",
            f"{kit_paced.percentile(50):.1f}",
            f"{raw_paced.percentile(50):.1f}",
            f"{kit_paced.percentile(50) / raw_paced.percentile(50):.2f}",
            "",
        ),
        (
            f"latency p99 at {rate:.0f}/s (ms)",
            f"{kit_paced.percentile(99):.1f}",
            f"{raw_paced.percentile(99):.1f}",
            f"{kit_paced.percentile(99) / raw_paced.percentile(99):.2f}",
            f"<= {TARGETS['messaging_p99'][1]:.2f}",
        ),
        (
            "latency p50 flat out (ms)",
            f"{kit_flat.percentile(50):.0f}",
            f"{raw_flat.percentile(50):.0f}",
            f"{kit_flat.percentile(50) / raw_flat.percentile(50):.2f}",
            "",
        ),
        *(
            (
                f"CPU of the {what} flat out (ms/event)",
                f"{kit_flat.cpu_ms[what]:.2f}",
                f"{raw_flat.cpu_ms[what]:.2f}",
                f"{kit_flat.cpu_ms[what] / raw_flat.cpu_ms[what]:.2f}",
                f"<= {TARGETS['messaging_consumer_cpu'][1]:.2f}" if what == "consumer" else "",
            )
            for what in ("producer", "relay", "consumer")
        ),
        (
            "paced: achieved rate (msg/s)",
            f"{kit_paced.throughput:.0f}",
            f"{raw_paced.throughput:.0f}",
            "",
            "",
        ),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = []
    for n, row in enumerate(rows):
        lines.append(
            "  ".join(
                cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                for i, cell in enumerate(row)
            )
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


async def orchestrate(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
        bench = Bench(Path(workdir), args.business_sql)
        print(
            f"messaging benchmark: {args.count} events flat out, {args.paced} paced at up to "
            f"{args.rate:.0f}/s, {args.warmup} warm-up events before each; kit and raw "
            f"pipelines on fresh databases, namespace {bench.namespace}; the kit's business "
            f"statements through {args.business_sql}; "
            f"{os.cpu_count()} CPU(s)",
            flush=True,
        )
        results: dict[tuple[str, str], Measure] = {}
        rate: float | None = None
        try:
            await bench.create_databases()
            for _ in range(args.rounds):
                for pipeline in ("raw", "kit"):
                    flat = await bench.measure(pipeline, "flat", args.count, None, args.warmup)
                    if rate is None:
                        rate = min(args.rate, args.max_load * flat.throughput)
                        print(f"  paced rate: {rate:.0f}/s", flush=True)
                    paced = await bench.measure(pipeline, "paced", args.paced, rate, args.warmup)
                    cpu = ", ".join(f"{k} {v:.2f}" for k, v in flat.cpu_ms.items())
                    print(
                        f"  {pipeline}: {flat.throughput:.0f} msg/s flat out; paced p50 "
                        f"{paced.percentile(50):.1f} ms, p99 {paced.percentile(99):.1f} ms; "
                        f"CPU ms/event flat out: {cpu}",
                        flush=True,
                    )
                    for measure in (flat, paced):
                        best = results.get((pipeline, measure.mode))
                        if best is None or _better(measure, best):
                            results[pipeline, measure.mode] = measure
        finally:
            await bench.cleanup()
        assert rate is not None
        print()
        print(_table(results, args.count, args.paced, rate))
        ratios = _ratios(results)
        met = all(_meets(name, value) for name, value in ratios.items())
        print()
        print(f"targets {'met' if met else 'NOT met'} (best of {args.rounds} round(s) each)")
        for name, value in ratios.items():
            print(f"RATIO {name} {value:.3f}")
    return 0


#: kit/raw targets: (comparison, bound) of each figure the run ends with (``RATIO name value``).
TARGETS: dict[str, tuple[str, float]] = {
    "messaging_throughput": (">=", 0.9),
    "messaging_p99": ("<=", 1.5),
    "messaging_consumer_cpu": ("<=", 1.2),
}


def _ratios(results: dict[tuple[str, str], Measure]) -> dict[str, float]:
    kit_flat, raw_flat = results["kit", "flat"], results["raw", "flat"]
    kit_paced, raw_paced = results["kit", "paced"], results["raw", "paced"]
    return {
        "messaging_throughput": kit_flat.throughput / raw_flat.throughput,
        "messaging_p99": kit_paced.percentile(99) / raw_paced.percentile(99),
        "messaging_consumer_cpu": kit_flat.cpu_ms["consumer"] / raw_flat.cpu_ms["consumer"],
    }


def _meets(name: str, value: float) -> bool:
    comparison, bound = TARGETS[name]
    return value >= bound if comparison == ">=" else value <= bound


def _better(new: Measure, old: Measure) -> bool:
    if new.mode == "flat":
        return new.throughput > old.throughput
    return new.percentile(99) < old.percentile(99)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=5000, help="events flat out")
    parser.add_argument("--paced", type=int, default=2500, help="events at --rate")
    parser.add_argument("--rate", type=float, default=500.0, help="paced events per second")
    parser.add_argument(
        "--max-load",
        type=float,
        default=0.4,
        help="cap of the paced rate, as a share of the raw pipeline's flat-out throughput",
    )
    parser.add_argument(
        "--business-sql",
        choices=("driver", "sqlalchemy"),
        default="driver",
        help="how the kit's producer and handler write their business row (see Role)",
    )
    parser.add_argument(
        "--warmup", type=int, default=300, help="unmeasured events before each measure"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the best one is kept")
    raise SystemExit(asyncio.run(orchestrate(parser.parse_args())))


if __name__ == "__main__":
    main()
