"""What several pages share: paging, the current year, form values."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, cast

from fastapi import Query, Request

from portal.formats import not_answering
from portal.messages import refusal
from portal.parts import Part
from portal.web import session_of
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


def tell(request: Request, result: Part[Any], *, done: str, undone: str) -> bool:
    """Flash what became of an action: ``done``, or ``undone`` and why — the service that did
    not answer, or the rule that refused, in French. True when it was done."""
    flash = session_of(request).flash
    if result.unavailable:
        flash("erreur", f"{undone} : {not_answering(result.unavailable)} pour l'instant.")
    elif result.problem:
        flash("erreur", f"{undone}. {refusal(result.problem)}")
    else:
        flash("succes", done)
        return True
    return False
