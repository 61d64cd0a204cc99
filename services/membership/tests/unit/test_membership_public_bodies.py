"""F8: a public body's Chorus Pro references, as membership keeps them for billing."""

from __future__ import annotations

import pytest

from membership.domain.public_bodies import (
    COMMITMENT_NUMBER_MAX,
    SERVICE_CODE_MAX,
    ChorusReferences,
    changed_chorus,
    check_chorus,
)
from shared.errors import RuleViolated

REFERENCES = ChorusReferences("SERVICE-COMPTA", "EJ 2026/0042", True, True)


def refused(call: object) -> str:
    with pytest.raises(RuleViolated) as error:
        call()  # type: ignore[operator]
    assert error.value.code == "F8"
    return error.value.detail


def test_f8_a_public_body_keeps_its_references_trimmed() -> None:
    given = ChorusReferences("  SERVICE-COMPTA ", " EJ 2026/0042", True, True)
    assert check_chorus(True, given) == REFERENCES


def test_f8_a_public_body_need_not_give_a_reference_it_does_not_require() -> None:
    assert check_chorus(True, ChorusReferences()) == ChorusReferences()
    assert check_chorus(True, ChorusReferences(" ", "")) == ChorusReferences()


@pytest.mark.parametrize(
    ("references", "names"),
    [
        (ChorusReferences(service_code_required=True), "service code"),
        (ChorusReferences("  ", "EJ-1", True, True), "service code"),
        (ChorusReferences("SERVICE", None, False, True), "commitment number"),
    ],
)
def test_f8_a_required_reference_must_be_given(references, names) -> None:
    assert names in refused(lambda: check_chorus(True, references))


@pytest.mark.parametrize(
    "references",
    [
        ChorusReferences(service_code="SERVICE"),
        ChorusReferences(commitment_number="EJ-1"),
        ChorusReferences(service_code_required=True),
        ChorusReferences(commitment_required=True),
    ],
)
def test_f8_only_a_public_body_carries_references(references) -> None:
    assert "public bodies only" in refused(lambda: check_chorus(False, references))


def test_f8_references_are_at_most_chorus_pros_lengths() -> None:
    at_most = ChorusReferences("S" * SERVICE_CODE_MAX, "E" * COMMITMENT_NUMBER_MAX)
    assert check_chorus(True, at_most) == at_most
    refused(lambda: check_chorus(True, ChorusReferences("S" * (SERVICE_CODE_MAX + 1))))
    refused(lambda: check_chorus(True, ChorusReferences(None, "E" * (COMMITMENT_NUMBER_MAX + 1))))


@pytest.mark.parametrize("bad", ["SERVICE\nCOMPTA", "SERVICE;DROP", "SERVICE\t1"])
def test_f8_references_are_letters_digits_and_separators(bad) -> None:
    refused(lambda: check_chorus(True, ChorusReferences(service_code=bad)))


def test_f8_an_update_changes_the_references_it_names_only() -> None:
    changed = changed_chorus(True, REFERENCES, {"chorus_commitment_number": "EJ-2027-1"})
    assert changed == ChorusReferences("SERVICE-COMPTA", "EJ-2027-1", True, True)


def test_f8_an_update_cannot_remove_a_reference_the_body_requires() -> None:
    refused(lambda: changed_chorus(True, REFERENCES, {"chorus_service_code": ""}))
    relaxed = changed_chorus(
        True, REFERENCES, {"chorus_service_code": "", "chorus_service_code_required": False}
    )
    assert relaxed == ChorusReferences(None, "EJ 2026/0042", False, True)


def test_f8_a_structure_no_longer_a_public_body_loses_its_references() -> None:
    assert changed_chorus(False, REFERENCES, {}) == ChorusReferences()
    refused(lambda: changed_chorus(False, REFERENCES, {"chorus_service_code": "SERVICE"}))
