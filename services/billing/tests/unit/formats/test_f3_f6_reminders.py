"""F3, F6: reminders of overdue invoices: the schedule finance sets, and the letters."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from billing.formats.reminders import (
    ReminderKind,
    ReminderLetter,
    ReminderLevel,
    ReminderSchedule,
    reminder_due,
    reminder_pdf,
)
from shared.errors import InvalidInput

SCHEDULE = ReminderSchedule.of_days([15, 30], formal_notice=45)
DUE = date(2025, 4, 1)
OWED = Decimal("150.00")


def due(days_late: int, sent: set[int] | None = None, outstanding: Decimal = OWED) -> int | None:
    level = reminder_due(
        SCHEDULE,
        due_on=DUE,
        today=DUE + timedelta(days=days_late),
        outstanding=outstanding,
        sent_levels=sent or set(),
    )
    return level.level if level else None


@pytest.mark.parametrize(
    ("days_late", "sent", "expected"),
    [
        (0, set(), None),
        (14, set(), None),
        (15, set(), 1),
        (16, {1}, None),  # never the same level twice
        (29, {1}, None),
        (30, {1}, 2),
        (44, {1, 2}, None),
        (45, {1, 2}, 3),
        (90, {1, 2, 3}, None),
        (46, set(), 3),  # a run missed for weeks sends the level reached, once
        (31, {3}, None),  # never steps back
    ],
)
def test_f6_reminder_schedule_levels_on_a_day(
    days_late: int, sent: set[int], expected: int | None
) -> None:
    assert due(days_late, sent) == expected


def test_f6_reminder_for_a_paid_or_cancelled_invoice_is_none() -> None:
    assert due(45, outstanding=Decimal("0")) is None
    assert due(45, outstanding=Decimal("-5.00")) is None


def test_f6_reminder_schedule_kinds_and_checks() -> None:
    assert [lv.kind for lv in SCHEDULE.levels] == [
        ReminderKind.REMINDER,
        ReminderKind.REMINDER,
        ReminderKind.FORMAL_NOTICE,
    ]
    for wrong in ([30, 15], [0, 15], [15, 15], []):
        with pytest.raises(InvalidInput):
            ReminderSchedule.of_days(wrong)
    with pytest.raises(InvalidInput):
        ReminderSchedule(
            (
                ReminderLevel(1, 10, ReminderKind.FORMAL_NOTICE),
                ReminderLevel(2, 20),
            )
        )


def letter(docs: type, level: int) -> ReminderLetter:
    return ReminderLetter(
        level=SCHEDULE.levels[level - 1],
        seller=docs.seller,
        customer=docs.association,
        invoice_number="FA-2025-00013",
        invoice_date=date(2025, 3, 2),
        due_on=DUE,
        total=Decimal("150.00"),
        outstanding=Decimal("50.00"),
        sent_on=date(2025, 5, 16),
        created_at=docs.created,
    )


def text_of(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def test_f3_reminder_letter_in_french_with_what_is_left_to_pay(docs: type) -> None:
    text = text_of(reminder_pdf(letter(docs, 1)))
    for expected in (
        "RELANCE N° 1 - FACTURE IMPAYÉE",
        "Association Tremplin",
        "facture n° FA-2025-00013 du 2 mars 2025",
        "échue le 1 avril 2025",
        "Il reste à ce jour 50,00 € à régler",
        "FR76 3000 4001 2300 0123 4567 843",
        "40,00 €",
    ):
        assert expected in text, expected


def test_f3_formal_notice_letter_gives_a_deadline(docs: type) -> None:
    text = text_of(reminder_pdf(letter(docs, 3)))
    assert "MISE EN DEMEURE DE PAYER" in text
    assert "mettons en demeure de régler cette somme au plus tard le 24 mai 2025" in text


def test_f3_reminder_letter_is_pdfa_and_the_same_bytes_each_time(docs: type) -> None:
    first = reminder_pdf(letter(docs, 2))
    assert first == reminder_pdf(letter(docs, 2))
    reader = PdfReader(io.BytesIO(first))
    assert reader.xmp_metadata is not None
    assert b"<pdfaid:part>3</pdfaid:part>" in reader.xmp_metadata.stream.get_data()
    assert "/OutputIntents" in reader.trailer["/Root"]
