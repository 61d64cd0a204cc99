"""Idempotent money requests: a retry with the same ``Idempotency-Key`` gets the first answer.

In the request's transaction the key is claimed first (a concurrent duplicate waits on it),
the change is made, and its answer is stored with the key before commit: the retry finds the
answer and changes nothing. The same key for another request (another path or body) is
refused. A request that failed stored nothing (its transaction rolled back): its retry runs
again, and fails or succeeds on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from billing.use_cases.ports import BillingWork
from shared.errors import InvalidInput


@dataclass(frozen=True)
class Replay:
    status: int
    body: Any


async def claim_key(
    uow: BillingWork, *, principal: str, key: str, fingerprint: str
) -> Replay | None:
    """None: the key is this request's, go on; else the first request's answer."""
    if await uow.idempotency.claim(principal, key, fingerprint, uow.clock.now()):
        return None
    stored = await uow.idempotency.answer(principal, key)
    assert stored is not None
    if stored.fingerprint != fingerprint:
        raise InvalidInput(
            f"The Idempotency-Key {key!r} was used for another request: use a new key for "
            "each distinct request, and the same one only to retry it unchanged.",
            code="idempotency_key_reused",
        )
    assert stored.status is not None, "the answer is stored in the claim's transaction"
    return Replay(stored.status, stored.body)


async def remember_answer(
    uow: BillingWork, *, principal: str, key: str, status: int, body: Any
) -> None:
    await uow.idempotency.remember(principal, key, status, body)
