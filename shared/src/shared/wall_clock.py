"""Times of day on the site's wall clock (Europe/Paris), as the APIs read and write them.

A time of day without a date cannot carry a meaningful offset (it changes with the season), so
the APIs take and give ``HH:MM`` or ``HH:MM:SS`` without one. JSON Schema's ``format: time``
is RFC 3339's full time, offset required, which is not what is sent: the documents show the
pattern instead.
"""

from __future__ import annotations

from datetime import time
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema

#: ``HH:MM``, ``HH:MM:SS`` or ``HH:MM:SS.ffffff`` (how a ``time`` without offset is written).
WALL_CLOCK_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


def without_offset(value: time) -> time:
    """``value`` unchanged; a time with an offset is refused (it would be ambiguous)."""
    if value.tzinfo is not None:
        raise ValueError("give the site's local time without an offset, e.g. 09:30")
    return value


#: A time of day on the site's wall clock, in a request or a response.
WallClock = Annotated[
    time,
    AfterValidator(without_offset),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": WALL_CLOCK_PATTERN,
            "description": "A time of day on the site's wall clock (Europe/Paris), no offset",
            "examples": ["09:30"],
        }
    ),
]
