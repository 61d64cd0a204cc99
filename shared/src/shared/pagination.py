"""One way to page a list in every service: ``?limit=&offset=`` in, a :class:`Page` out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field

T = TypeVar("T")
R = TypeVar("R")

MAX_LIMIT = 500


class PageRequest(BaseModel):
    limit: int = Field(default=50, ge=1, le=MAX_LIMIT)
    offset: int = Field(default=0, ge=0, le=10_000_000)


def _page_request(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip")] = 0,
) -> PageRequest:
    return PageRequest(limit=limit, offset=offset)


#: A route's paging parameters: ``page: Paging``.
Paging = Annotated[PageRequest, Depends(_page_request)]


class Page(BaseModel, Generic[T]):
    """A page of a list: its items, how many match in all, and where it starts."""

    items: list[T]
    total: int
    limit: int
    offset: int

    @classmethod
    def of(
        cls, records: Sequence[R], total: int, request: PageRequest, to_item: Callable[[R], T]
    ) -> Page[T]:
        return cls(
            items=[to_item(r) for r in records],
            total=total,
            limit=request.limit,
            offset=request.offset,
        )
