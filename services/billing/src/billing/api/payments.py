"""Payments (F4, F5): recorded or imported by the finance team, matched, allocated by hand."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from billing.api.deps import BackOffice, Finance, Runtime
from billing.api.schemas import AllocationIn, ImportOut, PaymentIn, PaymentOut
from billing.domain.bank_csv import BankCsvError, parse_bank_csv
from billing.domain.invoices import BillingRuleError
from billing.handlers import PaymentInput, allocate_payment, record_payment
from shared.problems import NotFound, Problem, RuleViolation

router = APIRouter(tags=["payments"])
MAX_IMPORT_BYTES = 5_000_000


@router.post(
    "/payments",
    status_code=201,
    summary="Record a payment; the same bank reference again is the same payment (F4)",
    responses={200: {"description": "Already recorded under this bank reference"}},
)
async def create_payment(
    body: PaymentIn, runtime: Runtime, caller: Finance, response: Response
) -> PaymentOut:
    async with runtime.uow() as uow:
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
        await uow.commit()
    if not outcome.created:
        response.status_code = 200
    return PaymentOut.of(outcome.payment, duplicate=not outcome.created)


@router.get("/payments", summary="Payments received (unmatched=true: the unmatched queue)")
async def list_payments(
    runtime: Runtime, caller: BackOffice, unmatched: bool = Query(default=False)
) -> list[PaymentOut]:
    async with runtime.uow() as uow:
        records = await uow.billing.list_payments(unmatched_only=unmatched)
    return [PaymentOut.of(p) for p in records]


@router.get("/payments/{payment_id}", summary="One payment")
async def get_payment(payment_id: UUID, runtime: Runtime, caller: BackOffice) -> PaymentOut:
    async with runtime.uow() as uow:
        payment = await uow.billing.get_payment(payment_id)
    if payment is None:
        raise NotFound("Payment", payment_id)
    return PaymentOut.of(payment)


@router.post(
    "/payments/{payment_id}/allocations",
    summary="Allocate what is left of a payment to an invoice by hand (F4)",
)
async def allocate(
    payment_id: UUID, body: AllocationIn, runtime: Runtime, caller: Finance
) -> PaymentOut:
    async with runtime.uow() as uow:
        payment = await allocate_payment(
            uow, payment_id, body.invoice_number, amount=body.amount, by=caller.principal.subject
        )
        await uow.commit()
    return PaymentOut.of(payment)


@router.post(
    "/payments/import",
    summary="Import the payments of a CSV bank export (text/csv body), all or nothing (F4)",
    openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def import_payments(request: Request, runtime: Runtime, caller: Finance) -> ImportOut:
    raw = await request.body()
    if len(raw) > MAX_IMPORT_BYTES:
        raise Problem(413, "F4", "File too large", f"At most {MAX_IMPORT_BYTES} bytes.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    try:
        parsed = parse_bank_csv(text)
    except BankCsvError as exc:
        raise RuleViolation(
            "F4", f"the bank export cannot be imported: {exc}", errors=exc.errors
        ) from None
    recorded = 0
    duplicates: list[str] = []
    unmatched: list[str] = []
    async with runtime.uow() as uow:
        for line in parsed.payments:
            try:
                outcome = await record_payment(
                    uow,
                    PaymentInput(
                        method=line.method,
                        amount=line.amount,
                        received_on=line.received_on,
                        payer_reference=line.label,
                        bank_reference=line.bank_reference,
                        payer=line.payer,
                    ),
                    source="import",
                    by=caller.principal.subject,
                )
            except BillingRuleError as exc:
                raise RuleViolation(
                    exc.rule, f"line {line.line}: {exc.detail}", status=409 if exc.conflict else 422
                ) from None
            if not outcome.created:
                duplicates.append(line.bank_reference)
                continue
            recorded += 1
            if outcome.payment.allocated <= 0:
                unmatched.append(line.bank_reference)
        await uow.commit()
    return ImportOut(
        recorded=recorded, duplicates=duplicates, skipped=parsed.skipped, unmatched=unmatched
    )
