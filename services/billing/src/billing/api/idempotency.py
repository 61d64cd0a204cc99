"""The ``Idempotency-Key`` header of the requests that create money (F4, F2): a retry with the
same key and request is answered as the first was, and changes nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Annotated

from fastapi import Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from billing.unit_of_work import BillingUnitOfWork
from billing.use_cases.idempotency import claim_key, remember_answer
from shared.auth import Caller

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=r"^[\x21-\x7e]{1,200}$",
        description="A key of the client's choosing (a UUID): retried with the same key and "
        "the same request, the request is answered as the first time and changes nothing; the "
        "same key with another request is refused (422 idempotency_key_reused)",
    ),
]
REPLAYED_HEADER = "Idempotent-Replayed"


def fingerprint(request: Request, body: bytes) -> str:
    """The request as the key's owner sent it: method, path, query and body."""
    digest = hashlib.sha256()
    for part in (request.method, request.url.path, str(request.url.query)):
        digest.update(part.encode())
        digest.update(b"\n")
    digest.update(body)
    return digest.hexdigest()


@dataclass
class Once:
    """One request under an ``Idempotency-Key`` (none: nothing is remembered)."""

    caller: Caller
    key: str | None
    fingerprint: str

    @classmethod
    async def of(
        cls, request: Request, caller: Caller, key: str | None, body: bytes | None = None
    ) -> Once:
        raw = body if body is not None else (await request.body() if key else b"")
        return cls(caller, key, fingerprint(request, raw) if key else "")

    async def replayed(self, uow: BillingUnitOfWork) -> JSONResponse | None:
        """The first answer under this key, or None (the key is now this request's)."""
        if self.key is None:
            return None
        replay = await claim_key(
            uow,
            principal=self.caller.principal.subject,
            key=self.key,
            fingerprint=self.fingerprint,
        )
        if replay is None:
            return None
        return JSONResponse(
            replay.body, status_code=replay.status, headers={REPLAYED_HEADER: "true"}
        )

    async def remember(self, uow: BillingUnitOfWork, status: int, answer: BaseModel) -> None:
        if self.key is not None:
            await remember_answer(
                uow,
                principal=self.caller.principal.subject,
                key=self.key,
                status=status,
                body=answer.model_dump(mode="json"),
            )
