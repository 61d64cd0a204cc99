"""What every route needs: the runtime, the caller and its scope, a retried transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar, cast

import asyncpg
from fastapi import Depends, Path, Request
from sqlalchemy.exc import DBAPIError

from shared.auth import Caller, Role, require_roles
from training.domain.policy import MAX_YEAR, MIN_YEAR
from training.service import TrainingRuntime
from training.unit_of_work import TrainingUnitOfWork

T = TypeVar("T")


async def get_runtime(request: Request) -> TrainingRuntime:
    """Async, so that FastAPI calls it on the event loop rather than in a worker thread."""
    return cast(TrainingRuntime, request.app.state.runtime)


Runtime = Annotated[TrainingRuntime, Depends(get_runtime)]

#: Anyone authenticated reads the catalogue; a member only its own structure's enrollments.
Reader = Annotated[
    Caller, Depends(require_roles(Role.MEMBER, Role.STAFF, Role.BOARD, Role.FINANCE))
]
#: A member acting for its own structure, or staff.
Actor = Annotated[Caller, Depends(require_roles(Role.MEMBER, Role.STAFF))]
Staff = Annotated[Caller, Depends(require_roles(Role.STAFF))]

SirenPath = Annotated[str, Path(pattern=r"^\d{9}$", description="The structure's SIREN")]
YearPath = Annotated[int, Path(ge=MIN_YEAR, le=MAX_YEAR)]
EmailPath = Annotated[
    str,
    Path(pattern=r"^[^\s/@]+@[^\s/@]+$", max_length=254, description="The employee's e-mail"),
]


def scope(caller: Caller) -> str | None:
    """X3: the SIREN a member is limited to; None for staff-side roles (every structure)."""
    return None if caller.sees_every_structure() else caller.siren or ""


#: PostgreSQL's codes for a transaction aborted by a deadlock or a serialization conflict:
#: nothing was changed, running it again is safe.
_RETRYABLE = frozenset({"40P01", "40001"})
ATTEMPTS = 3


async def transact(
    runtime: TrainingRuntime, use_case: Callable[[TrainingUnitOfWork], Awaitable[T]]
) -> T:
    """Run ``use_case`` in one committed transaction, again if the database aborted it for a
    deadlock (two waiting-list promotions locking the same employees in another order)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            async with runtime.transaction() as uow:
                return await use_case(uow)
        except (DBAPIError, asyncpg.PostgresError) as exc:
            if attempt == ATTEMPTS or _sqlstate(exc) not in _RETRYABLE:
                raise
    raise AssertionError("unreachable")


def _sqlstate(exc: Exception) -> str | None:
    """The SQLSTATE of a driver error, raised as is (statements on the driver) or wrapped by
    SQLAlchemy (statements on the connection)."""
    error = exc.orig if isinstance(exc, DBAPIError) else exc
    return getattr(error, "sqlstate", None)
