"""What every billing route needs: the runtime, the callers allowed, and typed parameters.

Parameters declare their patterns and bounds, so the OpenAPI document is exactly as strict as
the validation. Nothing here raises an HTTP error: an unknown or unseeable invoice is a
``shared.errors.NotFound``, like every other.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, cast
from uuid import UUID

from fastapi import Depends, Path, Query, Request

from billing.domain.numbering import INVOICE_NUMBER_PATTERN
from billing.repositories.records import InvoiceRecord
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
