"""What every billing route needs: the runtime, the callers allowed, and error translation."""

from __future__ import annotations

from typing import Annotated, cast
from uuid import UUID

from fastapi import Depends, Path, Request

from billing.repository import InvoiceRecord
from billing.service import BillingRuntime
from billing.unit_of_work import BillingUnitOfWork
from shared.auth import Caller, Role, require_roles
from shared.problems import NotFound

#: Reading invoices: the finance team and staff see everything, a member its own (X3).
Reader = Annotated[Caller, Depends(require_roles(Role.FINANCE, Role.STAFF, Role.MEMBER))]
#: Seeing every structure's data: finance and staff only.
BackOffice = Annotated[Caller, Depends(require_roles(Role.FINANCE, Role.STAFF))]
#: Changing anything: the finance team only.
Finance = Annotated[Caller, Depends(require_roles(Role.FINANCE))]

#: An invoice named in a path: its id (UUID) or its number (FA-2026-000001).
InvoiceRef = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z-]+$")]
#: A structure named in a path.
SirenPath = Annotated[str, Path(pattern=r"^\d{9}$")]


def runtime_of(request: Request) -> BillingRuntime:
    return cast(BillingRuntime, request.app.state.runtime)


Runtime = Annotated[BillingRuntime, Depends(runtime_of)]


def sees_everything(caller: Caller) -> bool:
    return caller.has(Role.FINANCE, Role.STAFF)


async def find_invoice(uow: BillingUnitOfWork, ref: str, caller: Caller) -> InvoiceRecord:
    """An invoice by id or number, if the caller may see it (a member: its own only)."""
    try:
        invoice = await uow.billing.get_invoice(UUID(ref))
    except ValueError:
        invoice = await uow.billing.get_invoice_by_number(ref.strip().upper())
    if invoice is None:
        raise NotFound("Invoice", ref)
    if not sees_everything(caller) and caller.siren != invoice.siren:
        # not "forbidden": a member does not learn that another structure's invoice exists
        raise NotFound("Invoice", ref)
    return invoice
