"""F3: French invoice mentions, from configuration; due date 30 days after issue."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from billing.domain.invoices import due_date
from billing.domain.mentions import Customer, customer_block, legal_mentions, seller_block
from billing.domain.money import format_eur, format_fr, parse_amount
from billing.settings import BillingSettings


def seller():  # type: ignore[no-untyped-def]
    return BillingSettings().seller_identity()


def test_f3_seller_identity_comes_from_configuration() -> None:
    s = seller()
    assert s.siret == "83952766000014"
    assert s.siren == "839527660"
    block = " ".join(seller_block(s))
    assert "102 avenue de Canéjan" in block
    assert "33600 Pessac" in block
    assert "839 527 660 00014" in block


def test_f3_seller_can_be_configured_without_code() -> None:
    settings = BillingSettings.model_validate(
        {"seller": {"name": "Autre agence", "siret": "12345678900011"}}
    )
    assert settings.seller_identity().name == "Autre agence"
    assert settings.seller_identity().siren == "123456789"


def test_f3_vat_exemption_is_article_261_7_1_not_293_b() -> None:
    mentions = " ".join(legal_mentions(seller()))
    assert "261-7-1°" in mentions
    assert "293 B" not in mentions


def test_f3_late_penalties_and_40_euro_recovery_indemnity() -> None:
    mentions = legal_mentions(seller())
    assert any("pénalités" in m for m in mentions)
    assert any("40,00 €" in m and "recouvrement" in m for m in mentions)
    assert any("30 jours" in m for m in mentions)


def test_f3_customer_name_address_and_siren() -> None:
    block = customer_block(
        Customer("123456789", "Lycée Montesquieu", "1 rue X", "33000", "Bordeaux", "12345678900011")
    )
    assert block[0] == "Lycée Montesquieu"
    assert "SIREN 123456789" in block
    assert "33000 Bordeaux" in block


def test_f3_due_date_is_30_days_after_issue() -> None:
    assert due_date(date(2025, 1, 31), 30) == date(2025, 3, 2)
    assert due_date(date(2025, 12, 15), 30) == date(2026, 1, 14)


def test_f3_amounts_are_decimal_with_explicit_rounding() -> None:
    assert parse_amount("1 234,565") == Decimal("1234.57")
    assert parse_amount("1.234,50") == Decimal("1234.50")
    assert parse_amount("1,234.50") == Decimal("1234.50")
    assert parse_amount("100") == Decimal("100.00")
    assert format_fr(Decimal("1234.5")) == "1234,50"
    assert format_eur(Decimal("1234.5")) == "1 234,50 €"


def test_f4_f7_worker_runs_the_overdue_and_documents_jobs_with_the_runtime_clock() -> None:
    from billing.service import build_runtime
    from shared.clock import FixedClock

    settings = BillingSettings()
    clock = FixedClock(datetime(2025, 1, 1, tzinfo=UTC))
    runtime = build_runtime(settings, clock)
    names = [job.__name__ for job in runtime.background_jobs]
    assert names[:2] == ["every_3600s_overdue_task", "documents_job"]
    assert runtime.uow().clock is clock
