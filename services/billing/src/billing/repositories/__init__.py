"""Every query of the billing service, one module per feature, on the unit of work's connection."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from billing.repositories.records import Listing

T = TypeVar("T")


async def fetch_page(
    connection: AsyncConnection,
    query: sa.Select[Any],
    count: sa.Select[Any],
    record: Callable[[Any], T],
    *,
    limit: int,
    offset: int,
) -> Listing[T]:
    """One page of ``query`` (already ordered) and the number of rows ``count`` counts."""
    rows = await connection.execute(query.limit(limit).offset(offset))
    items = [record(r) for r in rows]
    return Listing(items, int((await connection.execute(count)).scalar_one()))
