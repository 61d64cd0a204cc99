"""The portal in Chromium, the services running as processes behind it.

A member registers and applies, the board approves (M5), finance records the payment and the
member's space shows the membership active (F5); finance imports a CFONB 120 bank statement and
matches its leftover line by hand (F4, F7); a member never reaches another structure's data (X3); a form
posted without its CSRF token is refused. Every page visited passes axe-core (WCAG 2.1 AA).
"""

from __future__ import annotations

import asyncio
import re
import uuid
from decimal import Decimal
from typing import Any

import pytest
from playwright.async_api import expect

from shared.auth import Role
from shared.clock import SystemClock
from shared.testing.helpers import wait_until
from shared.testing.identifiers import new_siren, siret_of
from tests.conftest import Platform
from tests.member_flows import TEXT, invoices_of
from tests.portal.conftest import Person
from tests.portal.flows import YEAR, approved_and_invoiced, invoice_of
from tests.portal.statements import cfonb_statement

pytestmark = pytest.mark.e2e


async def test_m5_f5_a_board_member_approves_and_finance_records_the_payment(
    platform: Platform, people: Any
) -> None:
    siren = new_siren()
    member: Person = await people("adherent", phone=True)
    await member.sign_in("member", siren)

    # The structure is not known yet: the member registers it, then applies (M1, M5).
    page = member.page
    await expect(page.get_by_role("heading", name="Enregistrer votre structure")).to_be_visible()
    await page.fill("#legal_name", f"Mission Locale du Médoc {siren}")
    await page.select_option("#legal_form", "association")
    await page.fill("#siret", siret_of(siren))
    await page.fill("#address_line", "3 rue du Port")
    await page.fill("#postal_code", "33340")
    await page.fill("#city", "Lesparre-Médoc")
    await page.fill("#insee_code", "33240")
    await page.fill("#email", "contact@medoc.example.org")
    await page.get_by_role("button", name="Enregistrer ma structure").click()
    await expect(page.get_by_text("Votre structure est enregistrée")).to_be_visible()
    await member.check("structure-enregistree")

    await member.visit("/adherent/adhesion")
    await page.get_by_role("radio", name=re.compile("Premium")).check()
    await page.fill("#structure", TEXT)
    await page.fill("#activity", TEXT)
    await page.fill("#motivations", TEXT)
    await page.get_by_role("button", name="Envoyer ma demande").click()
    await expect(page.get_by_text("transmise au conseil d'administration")).to_be_visible()
    await member.check("demande-envoyee")

    # The board reads the texts and approves (htmx swaps the card).
    board: Person = await people("conseil")
    await board.sign_in("board")
    card = board.page.locator("article", has_text=f"Mission Locale du Médoc {siren}")
    await expect(card.get_by_text(TEXT).first).to_be_visible()
    await card.get_by_role("button", name="Approuver l'adhésion").click()
    await expect(board.page.get_by_text("Adhésion approuvée pour")).to_be_visible()
    await board.check("demande-approuvee")

    async with platform.client("billing") as billing:
        invoice = await invoice_of(billing, platform, siren)
    assert Decimal(invoice["total"]) == Decimal("150.00")

    # Finance records the transfer against the invoice.
    finance: Person = await people("finances")
    await finance.sign_in("finance")
    await finance.visit("/finances/paiements")
    fp = finance.page
    await fp.select_option("#method", "transfer")
    await fp.fill("#amount", "150,00")
    await fp.fill("#bank_reference", f"VIR-{uuid.uuid4()}")
    await fp.fill("#payer_reference", "VIREMENT COTISATION")
    await fp.fill("#invoice_number", invoice["number"])
    await fp.get_by_role("button", name="Enregistrer le règlement").click()
    await expect(fp.get_by_text("Règlement enregistré et affecté à sa facture.")).to_be_visible()
    await finance.check("reglement-enregistre")
    await finance.visit(f"/finances/factures/{invoice['number']}")
    await finance.visit("/finances?statut=paid")

    # The payment activates the membership: the member's space says so.
    async def active() -> bool:
        await page.goto(member.base + "/adherent")
        return await page.get_by_text("Adhérente — formule Premium").count() > 0

    await wait_until(active, within=60, interval=0.5)
    await expect(page.locator("strong", has_text=f"31 décembre {YEAR}")).to_be_visible()
    await member.check("adhesion-active")
    await member.visit("/adherent/factures")
    await expect(page.get_by_role("cell", name="Payée", exact=True)).to_be_visible()


async def test_f4_finance_imports_a_statement_and_matches_the_leftover_by_hand(
    platform: Platform, people: Any
) -> None:
    named, unnamed = new_siren(), new_siren()
    named_invoice, leftover_invoice = await asyncio.gather(
        approved_and_invoiced(platform, named), approved_and_invoiced(platform, unnamed)
    )
    today = SystemClock().today()
    batch = uuid.uuid4().int % 9_000_000 + 1_000_000
    statement = cfonb_statement(
        today,
        [
            (batch, "100.00", f"VIR COTISATION {named_invoice['number']}"),
            (batch + 1, "100.00", "VIR ASSOCIATION DU BASSIN"),
            (batch + 2, "-12.40", "FRAIS BANCAIRES"),
        ],
    )

    finance: Person = await people("finances-releve")
    await finance.sign_in("finance")
    page = await finance.visit("/finances/releves")
    await page.get_by_role("radio", name=re.compile("CFONB 120")).check()
    await page.set_input_files(
        "#fichier", files=[{"name": "releve.txt", "mimeType": "text/plain", "buffer": statement}]
    )
    await page.get_by_role("button", name="Importer").click()
    report = page.locator("section", has=page.get_by_role("heading", name=re.compile("Rapport")))
    facts = report.locator("dl")
    await expect(facts.locator("dt").nth(0)).to_have_text("Règlements enregistrés")
    await expect(facts.locator("dd").nth(0)).to_have_text("2")
    await expect(facts.locator("dd").nth(1)).to_have_text("1")  # matched by its number
    await expect(facts.locator("dd").nth(2)).to_have_text("1")  # left to match by hand
    await expect(facts.locator("dd").nth(4)).to_have_text("1")  # the debit, skipped
    await expect(report.locator("#affectes")).to_contain_text(named_invoice["number"])
    await expect(report.locator("#non-affectes")).to_contain_text(f"{batch + 1:07d}")
    await finance.check("releve-importe")

    # the leftover line matched by hand, from the report itself (htmx)
    row = report.locator("#non-affectes tr", has_text=f"{batch + 1:07d}")
    await row.get_by_label(re.compile("^Facture")).fill(leftover_invoice["number"])
    await row.get_by_role("button", name=re.compile("^Affecter")).click()
    await expect(
        row.get_by_text(f"Affecté à la facture {leftover_invoice['number']}")
    ).to_be_visible()
    await finance.check("reglement-affecte")
    queue = await finance.visit("/finances/paiements?vue=tous")
    await expect(queue.locator("tr", has_text=f"{batch + 1:07d}")).to_contain_text("Affecté")

    async with platform.client("billing") as billing:
        for siren in (named, unnamed):
            [paid] = await invoices_of(billing, platform, siren)
            assert paid["status"] == "paid", paid
    await finance.visit(f"/finances/rapprochement?du={YEAR}-01-01&au={YEAR}-12-31")
    await expect(page.get_by_role("heading", name="Écarts avec les adhésions")).to_be_visible()
    await finance.visit("/finances/exports")


async def test_x3_a_member_never_sees_another_structures_data(
    platform: Platform, people: Any
) -> None:
    own, other = new_siren(), new_siren()
    own_invoice, other_invoice = await asyncio.gather(
        approved_and_invoiced(platform, own), approved_and_invoiced(platform, other)
    )

    member: Person = await people("adherent-x3")
    await member.sign_in("member", own)
    page = await member.visit("/adherent/factures")
    await expect(page.get_by_role("cell", name=own_invoice["number"], exact=True)).to_be_visible()
    assert other_invoice["number"] not in await page.content()

    # The address bar cannot name another structure: its pages are refused or not found.
    await member.visit(f"/adherent?siren={other}")
    assert other not in (await page.content()).replace(" ", "")
    for path, status in (
        (f"/adherent/factures/{other_invoice['number']}/pdf", 404),
        (f"/structures/{other}", 403),
        (f"/finances/factures/{other_invoice['number']}", 403),
        ("/equipe?siren=" + other, 403),
    ):
        response = await page.goto(member.base + path)
        assert response is not None
        assert response.status == status, path
        assert other_invoice["number"] not in await page.content(), path
        await member.check(f"refus-{status}")
    own_pdf = await member.context.request.get(
        f"{member.base}/adherent/factures/{own_invoice['number']}/pdf"
    )
    assert own_pdf.status == 200
    assert own_pdf.headers["content-type"] == "application/pdf"
    assert (await own_pdf.body()).startswith(b"%PDF")


async def test_a_form_posted_without_its_csrf_token_is_refused(
    platform: Platform, people: Any
) -> None:
    finance: Person = await people("finances-csrf")
    await finance.sign_in("finance")
    page = await finance.visit("/finances/paiements")
    form = {
        "method": "transfer",
        "amount": "100.00",
        "received_on": SystemClock().today().isoformat(),
        "bank_reference": f"CSRF-{uuid.uuid4()}",
    }
    # the signed-in browser's own cookie, but no token: as a forged cross-site form would be
    refused = await finance.context.request.post(f"{finance.base}/finances/paiements", form=form)
    assert refused.status == 403
    assert "Formulaire refusé" in await refused.text()
    status = await page.evaluate(
        """async (form) => (await fetch('/finances/paiements', {method: 'POST',
             body: new URLSearchParams(form)})).status""",
        form,
    )
    assert status == 403
    async with platform.client("billing") as billing:
        listed = await billing.get(
            "/payments", params={"limit": 500}, headers=platform.token(Role.FINANCE)
        )
    assert form["bank_reference"] not in listed.text, "nothing was recorded"
    await page.goto(finance.base + "/finances/paiements")
    await page.set_content(await refused.text())
    await finance.check("formulaire-refuse")
