"""The worker's and relay's heartbeat file, which a container's liveness probe reads."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from shared.runtime import ServiceRuntime
from shared.testing.helpers import wait_until
from shared.testing.probe.kit import PROBE_DIR, ProbeSettings, consumers
from shared.unit_of_work import UnitOfWork

pytestmark = pytest.mark.integration


def probe_runtime(
    settings: ProbeSettings, heartbeat: Path
) -> ServiceRuntime[ProbeSettings, UnitOfWork]:
    return ServiceRuntime(
        name="probe",
        version="0",
        settings=settings.model_copy(
            update={"heartbeat_file": heartbeat, "heartbeat_max_age_s": 0.3}
        ),
        service_dir=PROBE_DIR,
        consumers=consumers,
        make_uow=UnitOfWork,
    )


async def test_a_connected_relay_keeps_its_heartbeat_fresh(
    probe_settings: ProbeSettings, tmp_path: Path
) -> None:
    heartbeat = tmp_path / "probe" / "heartbeat"
    runtime = probe_runtime(probe_settings, heartbeat)
    await runtime.declare_topology()
    relay = runtime.relay()
    relaying = asyncio.create_task(relay.run())

    async def connected() -> bool:
        return relay.connected()

    beating = asyncio.create_task(runtime.heartbeat(connected))
    try:
        await wait_until(lambda: asyncio.sleep(0, heartbeat.exists()))
        first = heartbeat.stat().st_mtime_ns
        await wait_until(lambda: asyncio.sleep(0, heartbeat.stat().st_mtime_ns > first))
    finally:
        beating.cancel()
        relay.stop()
        await relaying
        await runtime.dispose()
    assert not relay.connected()


async def test_a_process_that_does_not_work_leaves_its_heartbeat_to_age(
    probe_settings: ProbeSettings, tmp_path: Path
) -> None:
    heartbeat = tmp_path / "heartbeat"
    runtime = probe_runtime(probe_settings, heartbeat)

    async def stuck() -> bool:
        return False

    beating = asyncio.create_task(runtime.heartbeat(stuck))
    await asyncio.sleep(0.5)
    beating.cancel()
    assert not heartbeat.exists()
