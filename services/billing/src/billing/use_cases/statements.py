"""F4: a bank statement (CFONB 120, CAMT.053 or a bank's CSV export) imported in one
transaction: every payment on it recorded once, matched to the invoices it names.

The statement is refused as a whole when a payment on it is dated outside the agency's
invoicing years (F4). Then each credit line is recorded as a payment under its bank reference
(the bank's, or the line's fingerprint): matched ones allocated to the invoices they name,
in the order written, the others waiting in the unmatched queue. A line recorded before (the
same file again, or two statements whose days overlap) changes nothing and is reported as
such; a debit is no payment and is reported as skipped; a line a rule refuses on its own (its
bank reference recorded for another amount, a currency other than the euro) is reported as
refused, and the others are imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from uuid import UUID

from billing.domain.numbering import invoice_numbers_in
from billing.domain.payments import method_of_label
from billing.formats.matching import MatchStatus, check_payment_dates, match_lines
from billing.formats.statements import StatementLine, normalize_text
from billing.use_cases.payments import PaymentInput, record_payment
from billing.use_cases.ports import BillingWork
from shared.errors import RuleViolated

CURRENCY = "EUR"


@dataclass(frozen=True)
class ReportedLine:
    line: int
    bank_reference: str
    booked_on: date
    amount: Decimal
    label: str
    #: What became of it, in words.
    outcome: str
    payment_id: UUID | None = None
    invoice_numbers: tuple[str, ...] = ()


@dataclass
class StatementReport:
    """What an import did with each line of the statement."""

    #: Recorded and allocated to the invoices they name.
    matched: list[ReportedLine] = field(default_factory=list)
    #: Recorded, waiting in the unmatched queue (no known invoice named).
    unmatched: list[ReportedLine] = field(default_factory=list)
    #: Recorded before (this statement imported already, or one overlapping it): unchanged.
    duplicates: list[ReportedLine] = field(default_factory=list)
    #: Not payments received: debits and zero amounts.
    skipped: list[ReportedLine] = field(default_factory=list)
    #: Refused by a rule on their own; the rest of the statement was imported.
    refused: list[ReportedLine] = field(default_factory=list)

    @property
    def recorded(self) -> int:
        return len(self.matched) + len(self.unmatched)


def _reported(
    line: StatementLine,
    outcome: str,
    *,
    payment_id: UUID | None = None,
    numbers: tuple[str, ...] = (),
) -> ReportedLine:
    return ReportedLine(
        line=line.source_line,
        bank_reference=line.bank_reference,
        booked_on=line.booked_on,
        amount=line.amount,
        label=line.label,
        outcome=outcome,
        payment_id=payment_id,
        invoice_numbers=numbers,
    )


async def import_statement(
    uow: BillingWork, lines: list[StatementLine], *, by: str
) -> StatementReport:
    """Record the payments of a parsed statement (the caller's transaction: all the file's
    payments, or none when the statement as a whole is refused)."""
    check_payment_dates(
        lines, first_invoicing_year=uow.settings.invoicing.first_year, today=uow.clock.today()
    )
    written = {n for line in lines if line.amount > 0 for n in invoice_numbers_in(line.label)}
    known = await uow.invoices.existing_numbers(written)
    report = StatementReport()
    for match in match_lines(lines, known):
        line = match.line
        if match.status is MatchStatus.NOT_A_PAYMENT:
            report.skipped.append(_reported(line, match.reason))
            continue
        if line.currency.upper() != CURRENCY:
            report.refused.append(
                _reported(line, f"in {line.currency}: billing records payments in euros")
            )
            continue
        try:
            outcome = await record_payment(
                uow,
                PaymentInput(
                    method=method_of_label(normalize_text(line.label)),
                    amount=line.amount,
                    received_on=line.booked_on,
                    payer_reference=line.label,
                    bank_reference=line.bank_reference,
                    payer=line.counterparty,
                    invoice_numbers=match.invoice_numbers,
                ),
                source="import",
                by=by,
            )
        except RuleViolated as refused:
            # nothing was written for this line (a conflict is found before any change)
            report.refused.append(_reported(line, refused.detail))
            continue
        payment = outcome.payment
        if not outcome.created:
            report.duplicates.append(
                _reported(line, "recorded before: unchanged", payment_id=payment.id)
            )
        elif match.status is MatchStatus.MATCHED:
            report.matched.append(
                _reported(line, match.reason, payment_id=payment.id, numbers=match.invoice_numbers)
            )
        else:
            report.unmatched.append(_reported(line, match.reason, payment_id=payment.id))
    return report
