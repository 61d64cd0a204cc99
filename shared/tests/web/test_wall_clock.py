"""A time of day is documented as what the APIs write: ``HH:MM[:SS]``, no offset (not JSON
Schema's ``format: time``, which requires one), and one with an offset is refused."""

from __future__ import annotations

import re
from datetime import time

import pytest
from pydantic import BaseModel, ValidationError

from shared.wall_clock import WALL_CLOCK_PATTERN, WallClock


class Slot(BaseModel):
    starts_at: WallClock
    ends_at: WallClock | None = None


@pytest.mark.parametrize("mode", ["validation", "serialization"])
def test_the_document_shows_the_pattern_and_no_time_format(mode: str) -> None:
    schema = Slot.model_json_schema(mode=mode)  # type: ignore[arg-type]
    starts_at = schema["properties"]["starts_at"]
    assert (starts_at["type"], starts_at["pattern"]) == ("string", WALL_CLOCK_PATTERN)
    assert "format" not in str(schema)


@pytest.mark.parametrize("value", [time(9, 30), time(23, 59, 59), time(0, 0, 0, 250_000)])
def test_what_a_response_writes_matches_the_documented_pattern(value: time) -> None:
    written = Slot(starts_at=value).model_dump(mode="json")["starts_at"]
    assert re.fullmatch(WALL_CLOCK_PATTERN, written), written


def test_a_request_may_send_hours_and_minutes_only() -> None:
    assert Slot.model_validate({"starts_at": "09:30"}).starts_at == time(9, 30)


@pytest.mark.parametrize("sent", ["09:30+01:00", "09:30:00Z"])
def test_a_time_with_an_offset_is_refused(sent: str) -> None:
    with pytest.raises(ValidationError, match="without an offset"):
        Slot.model_validate({"starts_at": sent})
