"""An injectable clock: every time-dependent rule reads the date from one of these."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...

    def today(self) -> date: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().date()


class FixedClock:
    """A clock that tests (and operators replaying a day) set by hand."""

    def __init__(self, at: datetime) -> None:
        self._at = at if at.tzinfo else at.replace(tzinfo=UTC)

    def set(self, at: datetime) -> None:
        self._at = at if at.tzinfo else at.replace(tzinfo=UTC)

    def now(self) -> datetime:
        return self._at

    def today(self) -> date:
        return self._at.date()


class ShiftedClock:
    """The wall clock moved by an offset that every process of a development platform reads
    from one file, so that a demo or a black-box test can move the whole platform to another
    day at once (renewals in December, the lapse on 16 February...). Refused in production
    (:class:`shared.settings.ServiceSettings`).

    The file holds the offset in seconds (``scripts/platform-clock.py`` writes it); it is read
    again whenever it changes, and a missing file means no offset.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._stamp: int | None = None
        self._offset = timedelta()

    def offset(self) -> timedelta:
        try:
            stamp = os.stat(self._path).st_mtime_ns
        except FileNotFoundError:
            return timedelta()
        if stamp != self._stamp:
            text = self._path.read_text().strip()
            self._offset = timedelta(seconds=float(text or 0))
            self._stamp = stamp
        return self._offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset()

    def today(self) -> date:
        return self.now().date()


def set_shifted_clock(path: Path, at: datetime) -> timedelta:
    """Move every process reading ``path`` to ``at`` (from now on, time flows from there)."""
    offset = at - datetime.now(UTC)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(f"{offset.total_seconds():.3f}\n")
    temporary.replace(path)  # atomic: a process never reads half a file
    return offset
