"""HTTP API of the billing service."""

from fastapi import APIRouter

from billing.api.customers import router as customers_router
from billing.api.exports import router as exports_router
from billing.api.finance import router as finance_router
from billing.api.invoices import router as invoices_router
from billing.api.payments import router as payments_router
from billing.api.reminders import router as reminders_router

routers: list[APIRouter] = [
    invoices_router,
    payments_router,
    finance_router,
    exports_router,
    customers_router,
    reminders_router,
]
