"""The correlation id of the work in progress (an HTTP request or a consumed event)."""

from __future__ import annotations

import uuid
from contextvars import ContextVar

_correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)
_causation_id: ContextVar[str | None] = ContextVar("causation_id", default=None)


def new_id() -> str:
    return str(uuid.uuid4())


def current_correlation_id() -> str:
    value = _correlation_id.get()
    if value is None:
        value = new_id()
        _correlation_id.set(value)
    return value


def current_causation_id() -> str | None:
    return _causation_id.get()


def bind(correlation_id: str, causation_id: str | None = None) -> None:
    _correlation_id.set(correlation_id)
    _causation_id.set(causation_id)
