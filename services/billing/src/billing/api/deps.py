"""What every billing route needs: the runtime, the callers allowed, and typed parameters.

Parameters declare their patterns and bounds, so the OpenAPI document is exactly as strict as
the validation. Nothing here raises an HTTP error: an unknown or unseeable invoice is a
``shared.errors.NotFound``, like every other.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, cast
from uuid import UUID

from fastapi import Depends, Path, Query, Request, Response

from billing.domain.numbering import CREDIT_NOTE_NUMBER_PATTERN, INVOICE_NUMBER_PATTERN
from billing.repositories.document_records import StoredFile
from billing.repositories.records import (
    CreditNoteFilter,
    CreditNoteRecord,
    InvoiceRecord,
)
from billing.service import BillingRuntime
from billing.unit_of_work import BillingUnitOfWork
from shared.auth import Caller, Role, require_roles
from shared.errors import InvalidInput, NotFound

#: Reading invoices: the finance team and staff see everything, a member its own (X3).
Reader = Annotated[Caller, Depends(require_roles(Role.FINANCE, Role.STAFF, Role.MEMBER))]
#: Seeing every structure's data: finance and staff only.
BackOffice = Annotated[Caller, Depends(require_roles(Role.FINANCE, Role.STAFF))]
#: Changing anything: the finance team only.
Finance = Annotated[Caller, Depends(require_roles(Role.FINANCE))]

SIREN_PATTERN = r"^[0-9]{9}$"
UUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
#: The years the books hold (fiscal years, membership years).
FIRST_YEAR, LAST_YEAR = 2000, 2100

#: An invoice named in a path: its id (UUID) or its number (FA-2026-00001).
InvoiceRef = Annotated[
    str,
    Path(
        pattern=rf"^(?:{UUID_PATTERN}|{INVOICE_NUMBER_PATTERN})$",
        description="The invoice's id (UUID) or number (FA-AAAA-NNNNN)",
        examples=["FA-2026-00001"],
    ),
]
#: A credit note named in a path: its id (UUID) or its number (AV-2026-00001).
CreditNoteRef = Annotated[
    str,
    Path(
        pattern=rf"^(?:{UUID_PATTERN}|{CREDIT_NOTE_NUMBER_PATTERN})$",
        description="The credit note's id (UUID) or number (AV-AAAA-NNNNN)",
        examples=["AV-2026-00001"],
    ),
]
#: A structure named in a path.
SirenPath = Annotated[str, Path(pattern=SIREN_PATTERN, description="A SIREN (9 digits)")]
#: A structure a list is filtered on.
SirenFilter = Annotated[
    str | None, Query(pattern=SIREN_PATTERN, description="Only this structure's (SIREN)")
]
PaymentId = Annotated[UUID, Path(description="The payment's id")]
Year = Annotated[int, Path(ge=FIRST_YEAR, le=LAST_YEAR, description="A calendar year")]
#: Periods: ``from`` and ``to``, both days included.
PeriodStart = Annotated[date, Query(alias="from", description="First day, included")]
PeriodEnd = Annotated[date, Query(alias="to", description="Last day, included")]


def runtime_of(request: Request) -> BillingRuntime:
    return cast(BillingRuntime, request.app.state.runtime)


Runtime = Annotated[BillingRuntime, Depends(runtime_of)]


def scope_of(caller: Caller, siren: str | None) -> str | None:
    """The structure a list is limited to: the one asked for, and a member's own in any case
    (X3: a member asking for another structure's is answered 404, as if it did not exist)."""
    if siren is not None:
        caller.ensure_structure(siren)
    return siren if caller.sees_every_structure() else caller.siren


def check_period(start: date | None, end: date | None, *, longest_days: int = 3660) -> None:
    """A period starts before it ends and spans at most ten years."""
    if start is not None and end is not None:
        if start > end:
            raise InvalidInput(f"The period starts ({start}) after it ends ({end}).")
        if (end - start).days > longest_days:
            raise InvalidInput("A period is at most ten years long.")


async def find_invoice(uow: BillingUnitOfWork, ref: str, caller: Caller) -> InvoiceRecord:
    """An invoice by id or number, if the caller may see it (a member: its own only)."""
    try:
        invoice = await uow.invoices.get_invoice(UUID(ref))
    except ValueError:
        invoice = await uow.invoices.get_invoice_by_number(ref.strip().upper())
    if invoice is None or not caller.may_see(invoice.siren):
        # not "forbidden": a member does not learn that another structure's invoice exists
        raise NotFound("Invoice", ref)
    return invoice


async def find_credit_note(uow: BillingUnitOfWork, ref: str, caller: Caller) -> CreditNoteRecord:
    """A credit note by id or number, if the caller may see it (a member: its own only)."""
    try:
        where = CreditNoteFilter(id=UUID(ref))
    except ValueError:
        where = CreditNoteFilter(number=ref.strip().upper())
    found = await uow.invoices.list_credit_notes(where)
    if not found or not caller.may_see(found[0].siren):
        raise NotFound("Credit note", ref)
    return found[0]


#: A stored document's answers: the file, or 304 when the client holds these very bytes.
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"application/pdf": {}},
        "description": "The document as stored when made; its ETag is its SHA-256",
    },
    304: {"description": "The client's copy (If-None-Match) is the stored document"},
}


def file_response(file: StoredFile, request: Request) -> Response:
    """The stored bytes, with their SHA-256 as ETag (they never change: F2, F8)."""
    etag = f'"{file.sha256}"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    wanted = request.headers.get("if-none-match", "")
    if etag in [t.strip() for t in wanted.split(",")] or wanted.strip() == "*":
        return Response(status_code=304, headers=headers)
    headers["Content-Disposition"] = f'attachment; filename="{file.file_name}"'
    return Response(file.content, media_type=file.media_type, headers=headers)
