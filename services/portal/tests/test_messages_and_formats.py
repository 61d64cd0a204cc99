"""Every rule a service may refuse with has its plain French phrase; values read in French."""

from __future__ import annotations

import pytest

from portal.formats import date_fr, euros, label, siren_fr
from portal.messages import FALLBACK, PHRASES, phrase

RULES = (
    [f"M{i}" for i in range(1, 12)]
    + [f"T{i}" for i in range(1, 11)]
    + [f"B{i}" for i in range(1, 10)]
    + [f"F{i}" for i in range(1, 9)]
    + ["X3", "validation", "not_found", "conflict"]
)


@pytest.mark.parametrize("code", RULES)
def test_every_rule_code_has_its_own_phrase(code: str) -> None:
    assert code in PHRASES
    assert phrase(code) != FALLBACK
    assert len(phrase(code).split()) >= 6, "a sentence a member understands"


def test_the_phrases_are_all_different() -> None:
    assert len(set(PHRASES.values())) == len(PHRASES)


def test_an_unknown_code_gets_the_general_phrase() -> None:
    assert phrase("Z9") == FALLBACK
    assert phrase(None) == FALLBACK


def test_amounts_dates_and_identifiers_read_in_french() -> None:
    assert euros("1234.5") == "1\u202f234,50\u00a0€"
    assert euros("150.00") == "150,00\u00a0€"
    assert euros(None) == "—"
    assert date_fr("2026-02-01") == "1er février 2026"
    assert date_fr("2025-11-20T10:00:00Z") == "20 novembre 2025"
    assert siren_fr("356000000") == "356\u00a0000\u00a0000"
    assert label("partly_paid", "invoice_status") == "Payée en partie"
    assert label("unknown", "invoice_status") == "unknown"
