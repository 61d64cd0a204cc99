"""Finance's pages: invoices by status, recording a payment, matching by hand (F4), the
statement import and its report, the reconciliation's mismatches linked to their cause (F6)."""

from __future__ import annotations

import httpx
from conftest import Browser, Fakes, problem, text
from portal_samples import MEMBER_SIREN, invoice, page

PAYMENT = {
    "id": "5d2f8b0e-1c1f-4a8e-9a59-3f1f2b0c7d44",
    "method": "transfer",
    "amount": "100.00",
    "received_on": "2026-03-09",
    "payer_reference": "VIR ASSOCIATION",
    "bank_reference": "RLV-2",
    "payer": None,
    "source": "import",
    "recorded_at": "2026-03-09T10:00:00Z",
    "allocated": "0.00",
    "unallocated": "100.00",
    "status": "unmatched",
    "duplicate": False,
}


async def test_invoices_filtered_by_status_and_paged(browser: Browser, fakes: Fakes) -> None:
    fakes.billing.on("GET", "/invoices", page([invoice(status="overdue")], total=60, limit=25))
    await browser.sign_in("finance")
    body = text(await browser.get("/finances?statut=overdue&page=2"))
    asked = fakes.billing.requests[-1].url.params
    assert asked["status"] == "overdue"
    assert asked["offset"] == "25"
    assert "En retard" in body
    assert "Page 1 sur 3" in body  # the fake answers its own offset


async def test_f4_a_payment_refused_is_explained_and_kept_in_the_form(
    browser: Browser, fakes: Fakes
) -> None:
    fakes.billing.on("GET", "/payments", page([]))
    fakes.billing.on("POST", "/payments", problem(422, "F4", "received in the future"))
    await browser.sign_in("finance")
    await browser.get("/finances/paiements")
    response = await browser.post(
        "/finances/paiements",
        {
            "method": "cheque",
            "amount": "1 234,50",
            "received_on": "2030-01-01",
            "bank_reference": "CHQ-1",
        },
    )
    assert response.status_code == 422
    assert "pas dans le futur" in text(response)
    assert fakes.billing.sent()["amount"] == "1234.50"
    assert 'value="CHQ-1"' in response.text


async def test_f4_the_unmatched_queue_and_a_match_by_hand(browser: Browser, fakes: Fakes) -> None:
    fakes.billing.on("GET", "/payments", page([PAYMENT]))
    matched = {**PAYMENT, "allocated": "100.00", "unallocated": "0.00", "status": "matched"}
    fakes.billing.on(
        "POST", f"/payments/{PAYMENT['id']}/allocations", httpx.Response(200, json=matched)
    )
    await browser.sign_in("finance")
    queue = await browser.get("/finances/paiements")
    assert fakes.billing.requests[-1].url.params["matched"] == "false"
    assert "RLV-2" in text(queue)
    response = await browser.client.post(
        f"/finances/paiements/{PAYMENT['id']}/affectation",
        data={"invoice_number": "fa-2026-00007", "csrf_token": browser.csrf},
        headers={"HX-Request": "true"},
    )
    assert "Affecté à la facture FA-2026-00007" in text(response)
    assert fakes.billing.sent() == {"invoice_number": "FA-2026-00007"}


def _line(number: int, reference: str, amount: str, outcome: str, **changes: object) -> dict:
    body = {
        "line": number,
        "bank_reference": reference,
        "booked_on": "2026-03-09",
        "amount": amount,
        "label": f"VIR {reference}",
        "outcome": outcome,
        "payment_id": None,
        "invoice_numbers": [],
    }
    body.update(changes)
    return body


async def test_f4_f7_a_cfonb_statement_is_imported_and_its_report_shown(
    browser: Browser, fakes: Fakes
) -> None:
    fakes.billing.on(
        "POST",
        "/payments/import",
        {
            "format": "cfonb",
            "recorded": 2,
            "matched": [
                _line(2, "0000001", "100.00", "matched", invoice_numbers=["FA-2026-00007"])
            ],
            "unmatched": [_line(3, "0000002", "80.00", "no invoice", payment_id=PAYMENT["id"])],
            "duplicates": [_line(4, "0000000", "50.00", "recorded before: unchanged")],
            "skipped": [_line(5, "0000003", "-12.40", "a debit")],
            "refused": [_line(6, "0000004", "30.00", "in USD: billing records payments in euros")],
        },
    )
    await browser.sign_in("finance")
    form = text(await browser.get("/finances/releves"))
    assert "CFONB 120" in form
    assert "CAMT.053" in form
    statement = b"0130004    00123EUR2 00012345678  090326" + b" " * 78 + b"\r\n"
    response = await browser.client.post(
        "/finances/releves",
        data={
            "csrf_token": browser.csrf,
            "format": "cfonb",
            "compte": "fr76 3000 4001 2300 0123 4567 890",
        },
        files={"fichier": ("releve.txt", statement, "application/octet-stream")},
    )
    body = text(response)
    assert response.status_code == 200
    assert "Règlements enregistrés" in body
    assert 'href="/finances/factures/FA-2026-00007"' in body
    assert f'hx-post="/finances/paiements/{PAYMENT["id"]}/affectation"' in body
    assert "devise autre que l'euro" in body
    assert "Débits ignorés" in body
    sent = [r for r in fakes.billing.requests if r.method == "POST"][-1]
    assert sent.url.params["format"] == "cfonb"
    assert sent.url.params["account"] == "FR7630004001230001234567890"
    assert sent.headers["content-type"] == "text/plain"
    assert sent.content == statement


async def test_f4_a_csv_statement_goes_as_csv(browser: Browser, fakes: Fakes) -> None:
    empty = {"format": "csv", "recorded": 0, "matched": [], "unmatched": [], "duplicates": []}
    fakes.billing.on("POST", "/payments/import", {**empty, "skipped": [], "refused": []})
    await browser.sign_in("finance")
    await browser.get("/finances/releves")
    csv = "date;montant;libellé;référence\n09/03/2026;100,00;VIR;RLV-2\n".encode()
    response = await browser.client.post(
        "/finances/releves",
        data={"csrf_token": browser.csrf, "format": "csv"},
        files={"fichier": ("releve.csv", csv, "text/csv")},
    )
    assert response.status_code == 200
    sent = [r for r in fakes.billing.requests if r.method == "POST"][-1]
    assert sent.headers["content-type"] == "text/csv"
    assert sent.url.params["format"] == "csv"
    assert "account" not in sent.url.params


async def test_f4_a_refused_statement_lists_its_lines(browser: Browser, fakes: Fakes) -> None:
    fakes.billing.on(
        "POST",
        "/payments/import",
        problem(422, "F4", "bad lines", errors=[{"line": 3, "message": "no amount"}]),
    )
    await browser.sign_in("finance")
    await browser.get("/finances/releves")
    response = await browser.client.post(
        "/finances/releves",
        data={"csrf_token": browser.csrf},
        files={"fichier": ("releve.csv", b"date;montant\n", "text/csv")},
    )
    assert response.status_code == 422
    assert "Ligne 3 : no amount" in text(response)


async def test_f6_each_mismatch_links_to_what_causes_it(browser: Browser, fakes: Fakes) -> None:
    bucket = {"count": 0, "amount": "0.00"}
    fakes.billing.on(
        "GET",
        "/reconciliation",
        {
            "period": {"from": "2026-01-01", "to": "2026-03-10"},
            "as_of": "2026-03-10",
            "invoices": {"paid": bucket},
            "invoice_rows": [],
            "payments": {"matched": bucket},
            "unmatched_payments": [],
            "credit_notes": [],
            "totals": {"issued": "0.00"},
            "consistent": False,
            "mismatches": [
                {
                    "kind": "paid_without_activation",
                    "siren": MEMBER_SIREN,
                    "year": 2026,
                    "detail": "...",
                    "membership_id": None,
                    "invoice_numbers": ["FA-2026-00007"],
                },
                {
                    "kind": "active_without_paid_dues",
                    "siren": MEMBER_SIREN,
                    "year": 2026,
                    "detail": "...",
                    "membership_id": None,
                    "invoice_numbers": [],
                },
            ],
        },
    )
    await browser.sign_in("finance")
    response = await browser.get("/finances/rapprochement")
    body = text(response)
    params = fakes.billing.requests[-1].url.params
    assert (params["from"], params["to"]) == ("2026-01-01", "2026-03-10")
    assert "Cotisation payée, adhésion non activée" in body
    assert 'href="/finances/factures/FA-2026-00007"' in body
    assert f'href="/structures/{MEMBER_SIREN}"' in body
    assert f'href="/finances?siren={MEMBER_SIREN}"' in body


async def test_f7_exports_download_with_the_services_name(browser: Browser, fakes: Fakes) -> None:
    fakes.billing.on(
        "GET",
        "/exports/fec/2026",
        httpx.Response(
            200,
            content=b"JournalCode|JournalLib\n",
            headers={
                "content-type": "text/plain; charset=utf-8",
                "content-disposition": 'attachment; filename="839527660FEC20261231.txt"',
            },
        ),
    )
    await browser.sign_in("finance")
    response = await browser.get("/finances/exports/fec?annee=2026")
    assert response.status_code == 200
    assert "839527660FEC20261231.txt" in response.headers["content-disposition"]
    assert response.content.startswith(b"JournalCode")
