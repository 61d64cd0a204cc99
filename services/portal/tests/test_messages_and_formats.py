"""Every rule a service may refuse with has its plain French phrase; values read in French."""

from __future__ import annotations

import pytest

from portal.clients.base import ApiProblem
from portal.formats import date_fr, euros, label, siren_fr
from portal.messages import FALLBACK, PHRASES, particulars, phrase, refusal, wait_reason

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


def test_t4_t5_a_waiting_reason_reads_as_its_rule() -> None:
    assert wait_reason("T4") == phrase("T4")
    assert wait_reason("full") == phrase("T5")
    assert wait_reason(None) == ""


@pytest.mark.parametrize(
    ("code", "facts", "said"),
    [
        ("T6", {"deadline": "2026-03-30"}, "Elles ont fermé le 30 mars 2026."),
        ("T1", {"opens_on": "2026-01-26"}, "Les inscriptions ouvrent le 26 janvier 2026."),
        ("B2", {"used": 5, "allowed": 5}, "Déjà utilisé : 5 sur 5."),
        ("B1", {"capacity": 20}, "Cet espace accueille 20 personnes au plus."),
        ("B4", {"consecutive_weeks": 3}, "Ce serait le même créneau 3 semaines de suite."),
        ("B8", {"closed_because": "weekend"}, "Ce jour-là, c'est un week-end."),
        (
            "B8",
            {"opens_at": "08:30:00", "closes_at": "18:00:00"},
            "Ce jour-là, le site ouvre de 8 h 30 à 18 h.",
        ),
        ("B8", {"closed_because": "something new"}, ""),
        ("T3", {"deadline": "2026-03-30"}, ""),
    ],
)
def test_a_refusals_particulars_read_in_french(
    code: str, facts: dict[str, object], said: str
) -> None:
    assert particulars(code, facts) == said
    problem = ApiProblem("booking", 422, code, "in English", body=dict(facts))
    assert refusal(problem).startswith(phrase(code))
    assert "in English" not in refusal(problem)
