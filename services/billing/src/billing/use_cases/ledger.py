"""F7: each fact posts its accounting entry once, in its own transaction, and an invoice
settled exactly has its customer lines lettered together.

Posting takes the journal's counter for the fiscal year (locked until commit): numbers follow
each other with no gap in the order entries are validated, and the FEC rendered from them is
the same file whenever it is produced. Lock order: the fact's own locks (the invoice, the
payment, the numbering counter) first, then the journal's counter, then the lettering one.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from billing.domain import fec
from billing.repositories.records import NewEntry
from billing.use_cases.ports import BillingWork

LETTERING = "LET"


async def post(uow: BillingWork, entry: fec.Entry, *, source_kind: str, source_id: object) -> None:
    """Post ``entry``, the record of the fact ``source_kind`` ``source_id``."""
    await post_many(uow, [entry], source_kind=source_kind, source_ids=[source_id])


async def post_many(
    uow: BillingWork,
    entries: Sequence[fec.Entry],
    *,
    source_kind: str,
    source_ids: Sequence[object],
) -> None:
    """Post ``entries``, each the record of its fact (``source_ids``), numbered in their
    order in their journal and fiscal year."""
    today, now = uow.clock.today(), uow.clock.now()
    groups: dict[tuple[str, int], list[tuple[NewEntry, fec.Entry]]] = {}
    for entry, source_id in zip(entries, source_ids, strict=True):
        if not entry.balanced:  # pragma: no cover - the builders of fec make balanced entries
            raise ValueError(f"entry {entry.piece} does not balance")
        year = fec.fiscal_year_of(entry.on)
        new = NewEntry(
            journal=entry.journal,
            fiscal_year=year,
            valid_on=today,
            source_kind=source_kind,
            source_id=str(source_id),
            posted_at=now,
        )
        groups.setdefault((entry.journal, year), []).append((new, entry))
    for posting in groups.values():
        await uow.ledger.post_entries(posting)


async def letter_invoice(uow: BillingWork, invoice_id: UUID) -> str | None:
    """Letter the customer lines of ``invoice_id`` when they balance (its debit, the credits
    of what paid or cancelled it): the lettering code, or None."""
    lines = await uow.ledger.open_customer_lines(invoice_id)
    if lines is None:
        return None
    year = fec.lettering_year(lines)
    if year is None:
        return None
    lettered_on = max(uow.clock.today(), *(x.on for x in lines))
    rank, _ = await uow.ledger.next_number(LETTERING, year, lettered_on)
    code = fec.lettering_code(rank)
    await uow.ledger.add_lettering(
        fiscal_year=year, code=code, lettered_on=lettered_on, invoice_id=invoice_id, lines=lines
    )
    return code
