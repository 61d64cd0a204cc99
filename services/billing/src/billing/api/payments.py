"""Payments (F4, F5): recorded or imported by the finance team, matched, allocated by hand."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from billing.api.deps import BackOffice, Finance, PaymentId, Runtime, check_period
from billing.api.idempotency import IdempotencyKey, Once
from billing.api.schemas import AllocationIn, PaymentIn, PaymentOut, StatementReportOut
from billing.formats.camt import parse_camt053
from billing.formats.cfonb import parse_cfonb
from billing.formats.statement_csv import parse_statement_csv
from billing.formats.statements import StatementLine
from billing.repositories.records import PaymentFilter
from billing.use_cases.payments import PaymentInput, allocate_payment, record_payment
from billing.use_cases.statements import import_statement
from shared.errors import InvalidInput, NotFound, TooLarge
from shared.openapi import problem_responses
from shared.pagination import Page, Paging

router = APIRouter(tags=["payments"])
MAX_IMPORT_BYTES = 5_000_000


@router.post(
    "/payments",
    status_code=201,
    response_model=PaymentOut,
    summary="Record a payment; the same bank reference again is the same payment (F4)",
    responses={
        200: {"description": "Already recorded under this bank reference", "model": PaymentOut},
        **problem_responses(
            {404: ["not_found"], 409: ["F4"], 422: ["F4", "idempotency_key_reused"]}
        ),
    },
)
async def create_payment(
    body: PaymentIn,
    request: Request,
    runtime: Runtime,
    caller: Finance,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> PaymentOut | JSONResponse:
    once = await Once.of(request, caller, idempotency_key)
    async with runtime.transaction() as uow:
        if (first := await once.replayed(uow)) is not None:
            return first
        outcome = await record_payment(
            uow,
            PaymentInput(
                method=body.method,
                amount=body.amount,
                received_on=body.received_on,
                payer_reference=body.payer_reference,
                bank_reference=body.bank_reference,
                payer=body.payer,
                invoice_number=body.invoice_number,
            ),
            source="manual",
            by=caller.principal.subject,
        )
        answer = PaymentOut.of(outcome.payment, duplicate=not outcome.created)
        response.status_code = 201 if outcome.created else 200
        await once.remember(uow, response.status_code, answer)
    return answer


@router.get(
    "/payments",
    summary="Payments received, in order of receipt",
    responses=problem_responses({422: ["validation"]}),
)
async def list_payments(
    runtime: Runtime,
    caller: BackOffice,
    page: Paging,
    matched: Annotated[
        bool | None,
        Query(
            description="true: allocated in full; false: something is left to allocate "
            "(the unmatched queue)"
        ),
    ] = None,
    received_from: Annotated[date | None, Query(description="Received on or after")] = None,
    received_to: Annotated[date | None, Query(description="Received on or before")] = None,
) -> Page[PaymentOut]:
    check_period(received_from, received_to)
    where = PaymentFilter(matched=matched, received_from=received_from, received_to=received_to)
    async with runtime.uow() as uow:
        found = await uow.payments.page_payments(where, limit=page.limit, offset=page.offset)
    return Page.of(found.items, found.total, page, PaymentOut.of)


@router.get(
    "/payments/{payment_id}",
    summary="One payment",
    responses=problem_responses({404: ["not_found"]}),
)
async def get_payment(payment_id: PaymentId, runtime: Runtime, caller: BackOffice) -> PaymentOut:
    async with runtime.uow() as uow:
        payment = await uow.payments.get_payment(payment_id)
    if payment is None:
        raise NotFound("Payment", payment_id)
    return PaymentOut.of(payment)


@router.post(
    "/payments/{payment_id}/allocations",
    response_model=PaymentOut,
    summary="Allocate what is left of a payment to an invoice by hand (F4)",
    responses=problem_responses(
        {404: ["not_found"], 409: ["F4"], 422: ["F4", "idempotency_key_reused"]}
    ),
)
async def allocate(
    payment_id: PaymentId,
    body: AllocationIn,
    request: Request,
    runtime: Runtime,
    caller: Finance,
    idempotency_key: IdempotencyKey = None,
) -> PaymentOut | JSONResponse:
    once = await Once.of(request, caller, idempotency_key)
    async with runtime.transaction() as uow:
        if (first := await once.replayed(uow)) is not None:
            return first
        payment = await allocate_payment(
            uow, payment_id, body.invoice_number, amount=body.amount, by=caller.principal.subject
        )
        answer = PaymentOut.of(payment)
        await once.remember(uow, 200, answer)
    return answer


async def _body_within(request: Request, limit: int) -> bytes:
    """The request body, refused as soon as it grows past ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(
                f"A bank export is at most {limit} bytes: split the file and import each part.",
                code="too_large",
                limit=limit,
            )
        chunks.append(chunk)
    return b"".join(chunks)


#: The statement formats the import reads, and the body types they come as.
StatementFormat = Literal["cfonb", "camt053", "csv"]
STATEMENT_TYPES = (
    "text/csv",
    "text/plain",
    "application/xml",
    "text/xml",
    "application/octet-stream",
)


def parse_statement(format: StatementFormat, raw: bytes, account: str) -> list[StatementLine]:
    if format == "cfonb":
        return parse_cfonb(raw)
    if format == "camt053":
        return parse_camt053(raw)
    return parse_statement_csv(raw, account=account)


@router.post(
    "/payments/import",
    response_model=StatementReportOut,
    summary="Import the payments of a bank statement (CFONB 120, CAMT.053 or the bank's CSV "
    "export): each recorded once, matched to the invoices it names (F4)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                t: {"schema": {"type": "string", "format": "binary"}} for t in STATEMENT_TYPES
            },
        }
    },
    responses=problem_responses(
        {413: ["too_large"], 422: ["validation", "F4", "idempotency_key_reused"]}
    ),
)
async def import_payments(
    request: Request,
    runtime: Runtime,
    caller: Finance,
    format: Annotated[
        StatementFormat,
        Query(
            description="cfonb (CFONB 120), camt053 (ISO 20022 CAMT.053) or csv (a bank's export)"
        ),
    ] = "csv",
    account: Annotated[
        str | None,
        Query(
            pattern=r"^[A-Za-z]{2}[0-9]{2}[A-Za-z0-9 ]{11,40}$",
            description="The account's IBAN: a CSV export seldom names it (default: the "
            "agency's); a CFONB or CAMT statement of another account is refused",
        ),
    ] = None,
    idempotency_key: IdempotencyKey = None,
) -> StatementReportOut | JSONResponse:
    raw = await _body_within(request, MAX_IMPORT_BYTES)
    iban = _account(account) if account else runtime.settings.seller.iban
    lines = parse_statement(format, raw, iban)
    if account and format != "csv":
        others = sorted({ln.account for ln in lines if ln.account.replace(" ", "") != iban})
        if others:
            raise InvalidInput(
                f"This statement is of account(s) {', '.join(others)}, not {iban}.",
                accounts=others,
            )
    once = await Once.of(request, caller, idempotency_key, body=raw)
    async with runtime.transaction() as uow:
        if (first := await once.replayed(uow)) is not None:
            return first
        report = await import_statement(uow, lines, by=caller.principal.subject)
        answer = StatementReportOut.of(report, format)
        await once.remember(uow, 200, answer)
    return answer


def _account(text: str) -> str:
    try:
        return str(IBAN(text))
    except SchwiftyException as exc:
        raise InvalidInput(f"The account {text!r} is not a valid IBAN: {exc}.") from None
