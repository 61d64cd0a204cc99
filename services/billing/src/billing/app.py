"""The billing HTTP API (``uvicorn billing.app:app`` or ``python -m billing api``)."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

import billing
from billing.api import routers
from billing.domain.invoices import BillingRuleError
from billing.domain.money import InvalidAmountError
from billing.handlers import UnknownInvoiceError, UnknownPaymentError
from billing.service import BillingRuntime, runtime
from shared.problems import NotFound, Problem, RuleViolation, problem_response
from shared.webapp import create_service_app


def create_app(service: BillingRuntime = runtime) -> FastAPI:
    app = create_service_app(
        service,
        title="Cap Métiers billing",
        description=(billing.__doc__ or "").strip(),
        routers=routers,
    )

    async def on_rule(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, BillingRuleError)
        status = 409 if exc.conflict else 422
        return problem_response(RuleViolation(exc.rule, exc.detail, status=status), request)

    async def on_unknown(request: Request, exc: Exception) -> JSONResponse:
        what = "Invoice" if isinstance(exc, UnknownInvoiceError) else "Payment"
        key = getattr(exc, "key", "")
        return problem_response(NotFound(what, key), request)

    async def on_amount(request: Request, exc: Exception) -> JSONResponse:
        return problem_response(Problem(422, "validation", "Invalid amount", str(exc)), request)

    app.add_exception_handler(BillingRuleError, on_rule)
    app.add_exception_handler(InvalidAmountError, on_amount)
    app.add_exception_handler(UnknownInvoiceError, on_unknown)
    app.add_exception_handler(UnknownPaymentError, on_unknown)
    return app


app = create_app()
