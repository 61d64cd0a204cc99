"""Rows to records and back, for every repository of the service."""

from __future__ import annotations

import dataclasses
import enum
import typing
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.errors import Conflict

R = TypeVar("R")


def reader(cls: type[R], prefix: str = "") -> Callable[[sa.RowMapping], R]:
    """A function making a ``cls`` record of a row whose columns are named ``{prefix}{field}``.

    Text columns become the record's enums; columns the record does not name (a join's) are
    left out.
    """
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    enums: dict[str, type[enum.Enum]] = {}
    for name in names:
        for candidate in (hints[name], *typing.get_args(hints[name])):
            if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
                enums[name] = candidate

    def read(row: sa.RowMapping) -> R:
        values = {name: row[prefix + name] for name in names}
        for name, kind in enums.items():
            if values[name] is not None:
                values[name] = kind(values[name])
        return cls(**values)

    return read


def values_of(record: object, *, without: Sequence[str] = ("version",)) -> dict[str, Any]:
    """The columns of ``record`` to write (enums as their text); ``version`` is the database's."""
    values: dict[str, Any] = {}
    for field in dataclasses.fields(record):  # type: ignore[arg-type]
        if field.name in without:
            continue
        value = getattr(record, field.name)
        values[field.name] = value.value if isinstance(value, enum.Enum) else value
    return values


async def one(connection: AsyncConnection, query: sa.Executable) -> sa.RowMapping | None:
    """The first row of ``query``, for a reader (rows never leave the repositories)."""
    return (await connection.execute(query)).mappings().first()


async def all_rows(connection: AsyncConnection, query: sa.Executable) -> Sequence[sa.RowMapping]:
    return (await connection.execute(query)).mappings().all()


async def count(connection: AsyncConnection, query: sa.Select[Any]) -> int:
    """How many rows ``query`` selects (without its order, limit and offset)."""
    counted = sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    return int((await connection.execute(counted)).scalar_one())


async def save(
    connection: AsyncConnection,
    table: sa.Table,
    key: sa.ColumnElement[bool],
    record: Any,
    what: str,
) -> sa.RowMapping:
    """Write every column of ``record`` to its row and advance the row's version by one.

    The row must still be at the record's version (it was read under a lock, so it is): a
    version moved meanwhile is a concurrent change, refused rather than overwritten.
    """
    version = table.c.version
    row = await one(
        connection,
        sa.update(table)
        .where(key, version == record.version)
        .values(**values_of(record), version=version + 1)
        .returning(*table.c),
    )
    if row is None:
        raise Conflict(f"The {what} changed meanwhile; try again.")
    return row


def like_pattern(text: str) -> str:
    """``%text%`` for ILIKE, with ``%``, ``_`` and the escape character taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
