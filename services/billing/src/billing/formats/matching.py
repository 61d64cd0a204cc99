"""F4: which invoices a statement line pays, and whether its date is plausible.

Invoice numbers are ``FA-AAAA-NNNNN`` (billing's numbering, F2), found in the remittance text
with the numbering's own pattern (:func:`billing.domain.numbering.invoice_numbers_in`): payers
write them as they please and banks cut and upper-case them.
A credit naming at least one invoice billing knows is matched (allocation then follows the
order the numbers were written in); any other credit waits in the unmatched queue, never
dropped; a debit is not a payment.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from billing.domain.numbering import invoice_numbers_in
from billing.formats.statements import StatementLine
from shared.errors import RuleViolated

__all__ = [
    "Match",
    "MatchStatus",
    "check_payment_dates",
    "invoice_numbers_in",
    "match_line",
    "match_lines",
]


class MatchStatus(StrEnum):
    MATCHED = "matched"
    UNMATCHED = "unmatched"
    NOT_A_PAYMENT = "not_a_payment"


@dataclass(frozen=True)
class Match:
    line: StatementLine
    status: MatchStatus
    #: Known invoices the line names, in the order written: the allocation order.
    invoice_numbers: tuple[str, ...] = ()
    #: Numbers written that billing does not know (a typo, another year...): for the queue.
    unknown_numbers: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        if self.status is MatchStatus.NOT_A_PAYMENT:
            return "a debit or a zero amount is not a payment received"
        if self.status is MatchStatus.MATCHED:
            return "pays " + ", ".join(self.invoice_numbers)
        if self.unknown_numbers:
            return "names no known invoice (" + ", ".join(self.unknown_numbers) + ")"
        return "names no invoice number"


def match_line(line: StatementLine, known_invoices: Collection[str]) -> Match:
    """Decide for one line; ``known_invoices`` are the invoice numbers billing has issued."""
    if line.amount <= 0:
        return Match(line, MatchStatus.NOT_A_PAYMENT)
    written = invoice_numbers_in(line.label)
    known = tuple(n for n in written if n in known_invoices)
    unknown = tuple(n for n in written if n not in known_invoices)
    status = MatchStatus.MATCHED if known else MatchStatus.UNMATCHED
    return Match(line, status, known, unknown)


def match_lines(lines: Iterable[StatementLine], known_invoices: Collection[str]) -> list[Match]:
    return [match_line(line, known_invoices) for line in lines]


def check_payment_dates(
    lines: Iterable[StatementLine], *, first_invoicing_year: int, today: date
) -> None:
    """F4 (decision): a payment's date lies between 1 January of the agency's first invoicing
    year and today. The whole statement is refused, naming every line out of that range."""
    earliest = date(first_invoicing_year, 1, 1)
    wrong = [ln for ln in lines if ln.amount > 0 and not earliest <= ln.booked_on <= today]
    if wrong:
        first = wrong[0]
        raise RuleViolated(
            "F4",
            f"A payment's date lies between {earliest:%d/%m/%Y} and today ({today:%d/%m/%Y}): "
            f"line {first.source_line} is dated {first.booked_on:%d/%m/%Y}"
            + (f" ({len(wrong)} lines in all)." if len(wrong) > 1 else "."),
            lines=[
                {
                    "line": ln.source_line,
                    "booked_on": ln.booked_on.isoformat(),
                    "amount": str(ln.amount),
                }
                for ln in wrong
            ],
        )
