"""What several pages share: paging, the current year, form values."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, cast

from fastapi import Query, Request

from shared.clock import Clock

#: The page of a list asked for (1, 2...): the APIs' ``offset`` is ``(page - 1) * limit``.
PageNumber = Annotated[int, Query(ge=1, le=100_000, alias="page")]


def offset_of(page: int, limit: int) -> int:
    return (page - 1) * limit


def today(request: Request) -> date:
    return cast(Clock, request.app.state.clock).today()


def clean(value: Any, longest: int = 200) -> str:
    """A form value as text: trimmed, at most ``longest`` characters, no NUL."""
    return str(value or "").replace("\x00", "").strip()[:longest]
