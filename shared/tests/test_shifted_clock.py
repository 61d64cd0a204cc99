"""The development clock every process of a platform shares, and its refusal in production."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from shared.clock import ShiftedClock, set_shifted_clock
from shared.settings import ServiceSettings


def test_every_clock_reading_the_file_moves_together(tmp_path: Path) -> None:
    path = tmp_path / "clock"
    first, second = ShiftedClock(path), ShiftedClock(path)
    assert abs(first.now() - datetime.now(UTC)) < timedelta(seconds=5)  # no file: the wall's
    set_shifted_clock(path, datetime(2027, 2, 16, 8, tzinfo=UTC))
    assert first.today().isoformat() == "2027-02-16"
    assert second.today().isoformat() == "2027-02-16"
    set_shifted_clock(path, datetime(2027, 12, 1, 8, tzinfo=UTC))
    assert first.today().isoformat() == "2027-12-01"
    path.unlink()
    assert abs(second.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_production_refuses_a_movable_clock(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="refused in production"):
        ServiceSettings(platform_environment="production", dev_clock_file=tmp_path / "clock")
    assert ServiceSettings(platform_environment="production").dev_clock_file is None


def test_a_development_runtime_takes_the_shifted_clock(tmp_path: Path) -> None:
    from shared.messaging.consumers import EventConsumers
    from shared.runtime import ServiceRuntime
    from shared.unit_of_work import UnitOfWork

    settings = ServiceSettings(dev_clock_file=tmp_path / "clock")
    runtime = ServiceRuntime(
        name="probe",
        version="0",
        settings=settings,
        service_dir=tmp_path,
        consumers=EventConsumers[UnitOfWork]("probe"),
        make_uow=UnitOfWork,
    )
    assert isinstance(runtime.clock, ShiftedClock)
