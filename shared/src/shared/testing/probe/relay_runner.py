"""A probe relay as a real process, for the SIGKILL fault test.

``python -m shared.testing.probe.relay_runner MARKER`` relays the probe outbox named by the
environment (``DATABASE_URL``, ``RABBITMQ_URL``, ``RABBITMQ_NAMESPACE``). As soon as a batch is
confirmed by the broker and before it is marked published, it writes the batch's message ids to
``MARKER`` and then hangs, so that the test kills it at exactly that moment.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from uuid import UUID

from shared.messaging.relay import OutboxRelay
from shared.testing.probe.kit import ProbeSettings, consumers


class HangingRelay(OutboxRelay):
    """Stops forever between publishing a batch and marking it published."""

    def __init__(self, marker: Path, settings: ProbeSettings, **kwargs: Any) -> None:
        super().__init__(settings, **kwargs)
        self._marker = marker

    async def _after_publish_before_mark(self, published: Sequence[UUID]) -> None:
        partial = self._marker.with_suffix(".partial")
        partial.write_text("\n".join(str(i) for i in published))
        partial.rename(self._marker)  # appears complete or not at all
        await asyncio.Event().wait()


async def main(marker: Path) -> None:
    settings = ProbeSettings()
    relay = HangingRelay(
        marker, settings, topology=consumers.topology(settings), app_id="probe", poll_interval_s=0.1
    )
    await relay.run()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
