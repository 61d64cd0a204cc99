"""The probe's consumers as a real process, for the tests of several replicas on one queue.

``python -m shared.testing.probe.worker_runner STATS`` consumes the probe's queues (the settings
come from the environment: ``DATABASE_URL``, ``RABBITMQ_URL``, ``RABBITMQ_NAMESPACE``...) until
SIGTERM. It creates ``STATS.ready`` once it consumes; on SIGTERM it finishes the messages it
holds, stops, and writes its :class:`~shared.messaging.consumers.ConsumerStats` to ``STATS``
as JSON.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from dataclasses import asdict
from pathlib import Path

from shared.db import create_engine
from shared.testing.probe.kit import ProbeSettings, consumers
from shared.unit_of_work import UnitOfWork


async def main(stats: Path) -> None:
    settings = ProbeSettings()
    engine = create_engine(settings.database_url)
    broker = consumers.build_broker(settings, lambda: UnitOfWork(engine))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await broker.start()
    stats.with_name(stats.name + ".ready").write_text("")
    await stop.wait()
    await consumers.drain(broker)
    await broker.stop()
    await engine.dispose()
    partial = stats.with_suffix(".partial")
    partial.write_text(json.dumps(asdict(consumers.stats)))
    partial.rename(stats)  # complete or absent


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
