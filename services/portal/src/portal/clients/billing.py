"""The billing service's API (invoices, payments, reconciliation, exports)."""

from __future__ import annotations

from typing import Any

from portal.clients.base import Download, PageOf, ServiceClient

#: The statement formats billing reads, and the body type each is sent as.
STATEMENT_TYPES = {"csv": "text/csv", "cfonb": "text/plain", "camt053": "application/xml"}


class BillingClient(ServiceClient):
    name = "billing"
    label = "la facturation"

    async def invoices(
        self,
        token: str,
        *,
        siren: str | None = None,
        status: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> PageOf:
        return await self.page(
            "/invoices", token, siren=siren, status=status, limit=limit, offset=offset
        )

    async def invoice(self, token: str, ref: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(f"/invoices/{ref}", token)
        return result

    async def invoice_pdf(self, token: str, ref: str) -> Download:
        return await self.download(f"/invoices/{ref}/pdf", token, f"{ref}.pdf")

    async def payments(
        self, token: str, *, matched: bool | None, limit: int, offset: int
    ) -> PageOf:
        flag = None if matched is None else str(matched).lower()
        return await self.page("/payments", token, matched=flag, limit=limit, offset=offset)

    async def payment(self, token: str, payment_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(f"/payments/{payment_id}", token)
        return result

    async def record_payment(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = await self.post("/payments", token, body)
        return result

    async def allocate(
        self, token: str, payment_id: str, invoice_number: str, amount: str | None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"invoice_number": invoice_number}
        if amount:
            body["amount"] = amount
        result: dict[str, Any] = await self.post(f"/payments/{payment_id}/allocations", token, body)
        return result

    async def import_statement(
        self, token: str, statement: bytes, *, format: str, account: str | None = None
    ) -> dict[str, Any]:
        """A bank statement (CFONB 120, CAMT.053 or a bank's CSV export), as the body; the
        report lists each line matched, unmatched, a duplicate, skipped or refused (F4)."""
        result: dict[str, Any] = await self.json(
            "POST",
            "/payments/import",
            token,
            params={"format": format, "account": account},
            content=statement,
            content_type=STATEMENT_TYPES[format],
        )
        return result

    async def reconciliation(self, token: str, start: str, end: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(
            "/reconciliation", token, **{"from": start, "to": end}
        )
        return result

    async def fec(self, token: str, year: int) -> Download:
        return await self.download(f"/exports/fec/{year}", token, f"FEC{year}.txt")

    async def invoices_csv(self, token: str, start: str, end: str) -> Download:
        return await self.download(
            "/exports/invoices.csv", token, "factures.csv", **{"from": start, "to": end}
        )

    async def payments_csv(self, token: str, start: str, end: str) -> Download:
        return await self.download(
            "/exports/payments.csv", token, "reglements.csv", **{"from": start, "to": end}
        )
