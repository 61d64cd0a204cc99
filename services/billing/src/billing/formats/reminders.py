"""F3, F6: reminders of overdue invoices, on the schedule the finance team sets.

The schedule is data: levels, each a number of days after the due date (for instance a
reminder at 15 and at 30 days, then a formal notice at 45). On a given day an overdue invoice
is due the highest level whose day has come, unless that level or a later one was already
sent: a level is never sent twice and the schedule never steps back, so running the reminders
again, or late, sends nothing twice (a run missed for weeks sends the level reached, not
every level skipped). A paid or cancelled invoice is reminded of nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from billing.formats.document import DocumentCustomer, DocumentSeller, day, euros, long_day
from billing.formats.pdf import DocumentPdf
from shared.errors import InvalidInput


class ReminderKind(StrEnum):
    REMINDER = "reminder"
    FORMAL_NOTICE = "formal_notice"


@dataclass(frozen=True)
class ReminderLevel:
    #: 1, 2, 3... in the order of the schedule: what is recorded as sent.
    level: int
    days_after_due: int
    kind: ReminderKind = ReminderKind.REMINDER


@dataclass(frozen=True)
class ReminderSchedule:
    levels: tuple[ReminderLevel, ...]

    def __post_init__(self) -> None:
        days = [lv.days_after_due for lv in self.levels]
        if not self.levels:
            raise InvalidInput("A reminder schedule has at least one level.")
        if [lv.level for lv in self.levels] != list(range(1, len(self.levels) + 1)):
            raise InvalidInput("Reminder levels are numbered 1, 2, 3... in order.")
        if days[0] < 1 or any(b <= a for a, b in pairwise(days)):
            raise InvalidInput("Reminder days after the due date are positive and increasing.")
        notices = [lv for lv in self.levels if lv.kind is ReminderKind.FORMAL_NOTICE]
        if notices and notices != [self.levels[-1]]:
            raise InvalidInput("The formal notice, if any, is the schedule's last level.")

    @classmethod
    def of_days(
        cls, reminders: Sequence[int], formal_notice: int | None = None
    ) -> ReminderSchedule:
        """``of_days([15, 30], formal_notice=45)``: the finance team's setting."""
        levels = [ReminderLevel(i, d) for i, d in enumerate(reminders, start=1)]
        if formal_notice is not None:
            levels.append(ReminderLevel(len(levels) + 1, formal_notice, ReminderKind.FORMAL_NOTICE))
        return cls(tuple(levels))


def reminder_due(
    schedule: ReminderSchedule,
    *,
    due_on: date,
    today: date,
    outstanding: Decimal,
    sent_levels: Collection[int],
) -> ReminderLevel | None:
    """The reminder to send today for one invoice, or None."""
    if outstanding <= 0:
        return None
    late = (today - due_on).days
    reached = [lv for lv in schedule.levels if late >= lv.days_after_due]
    if not reached:
        return None
    level = reached[-1]
    if sent_levels and level.level <= max(sent_levels):
        return None
    return level


@dataclass(frozen=True)
class ReminderLetter:
    """What a reminder says: the invoice, what is left to pay, how to pay."""

    level: ReminderLevel
    seller: DocumentSeller
    customer: DocumentCustomer
    invoice_number: str
    invoice_date: date
    due_on: date
    total: Decimal
    outstanding: Decimal
    sent_on: date
    created_at: datetime
    #: Days given by a formal notice before recovery proceedings.
    notice_days: int = 8


def _body(letter: ReminderLetter) -> list[str]:
    seller = letter.seller
    facts = (
        f"notre facture n° {letter.invoice_number} du {long_day(letter.invoice_date)}, "
        f"d'un montant de {euros(letter.total)}, échue le {long_day(letter.due_on)}"
    )
    left = f"Il reste à ce jour {euros(letter.outstanding)} à régler."
    pay = (
        f"Merci d'effectuer le virement sur le compte IBAN {seller.bank.iban_display} "
        f"(BIC {seller.bank.bic}) en indiquant la référence {letter.invoice_number}. "
        "Si votre règlement a été effectué entre-temps, nous vous prions de ne pas tenir compte "
        "de ce courrier."
    )
    penalties = [seller.late_penalty_terms]
    if letter.customer.professional:
        penalties.append(
            "Une indemnité forfaitaire pour frais de recouvrement de "
            f"{euros(seller.recovery_indemnity)} est due en cas de retard de paiement "
            "(art. L441-10 et D441-5 du Code de commerce)."
        )
    if letter.level.kind is ReminderKind.FORMAL_NOTICE:
        deadline = letter.sent_on + timedelta(days=letter.notice_days)
        return [
            "Madame, Monsieur,",
            f"Malgré nos relances, {facts}, demeure impayée. {left}",
            f"Par la présente, nous vous mettons en demeure de régler cette somme au plus tard "
            f"le {long_day(deadline)}. À défaut, nous engagerons la procédure de recouvrement "
            "sans autre avis.",
            *penalties,
            pay,
            "Veuillez agréer, Madame, Monsieur, nos salutations distinguées.",
        ]
    return [
        "Madame, Monsieur,",
        f"Sauf erreur de notre part, {facts}, n'a pas été entièrement réglée. {left}",
        "Nous vous remercions de bien vouloir procéder à son règlement dans les meilleurs délais.",
        pay,
        *penalties,
        "Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.",
    ]


def title_of(letter: ReminderLetter) -> str:
    if letter.level.kind is ReminderKind.FORMAL_NOTICE:
        return "Mise en demeure de payer"
    return f"Relance n° {letter.level.level} - facture impayée"


def reminder_pdf(letter: ReminderLetter) -> bytes:
    """The letter as a PDF/A-3B document, the same bytes for the same letter."""
    seller, customer = letter.seller, letter.customer
    title = title_of(letter)
    pdf = DocumentPdf(
        title=f"{title} {letter.invoice_number}",
        author=seller.name,
        subject=f"{title} - {letter.invoice_number} - {customer.name}",
        created_at=letter.created_at,
    )
    pdf.blocks(
        [
            seller.name,
            seller.legal_form,
            seller.address.line,
            f"{seller.address.postal_code} {seller.address.city}",
            f"SIRET {seller.siret_display}",
        ],
        "Destinataire :",
        [
            customer.name,
            customer.address.line,
            f"{customer.address.postal_code} {customer.address.city}",
            f"SIREN {customer.siren}",
        ],
    )
    pdf.line_of_text(f"{seller.address.city}, le {long_day(letter.sent_on)}")
    pdf.ln(4)
    pdf.line_of_text(title.upper(), size=14, bold=True)
    pdf.line_of_text(f"Objet : facture n° {letter.invoice_number} du {day(letter.invoice_date)}")
    pdf.ln(3)
    pdf.grid(
        ("Facture", "Échéance", "Montant", "Reste dû"),
        [
            (
                letter.invoice_number,
                day(letter.due_on),
                euros(letter.total),
                euros(letter.outstanding),
            )
        ],
        (0.4, 0.2, 0.2, 0.2),
    )
    pdf.paragraphs(_body(letter), size=10)
    return pdf.to_bytes()
