"""A page built from several services shows what answered and says which part did not."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from portal.clients.base import ApiProblem, ServiceUnavailable

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Part(Generic[T]):
    """One service's share of a page: its value, or why it is missing."""

    value: T | None = None
    #: What a person calls the part that did not answer (``la facturation``).
    unavailable: str | None = None
    problem: ApiProblem | None = None

    @property
    def ok(self) -> bool:
        return self.unavailable is None and self.problem is None


async def part(awaitable: Awaitable[T]) -> Part[T]:
    try:
        return Part(value=await awaitable)
    except ServiceUnavailable as exc:
        log.warning("service unavailable: %s (%s)", exc.service, exc.reason)
        return Part(unavailable=exc.label)
    except ApiProblem as problem:
        return Part(problem=problem)


async def parts(*awaitables: Awaitable[Any]) -> list[Part[Any]]:
    """Every part at once: a slow or absent service delays the page, never blanks it."""
    return list(await asyncio.gather(*(part(a) for a in awaitables)))
