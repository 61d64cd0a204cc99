"""The general ledger (F7): journal counters, posted entries and lines, letterings.

Entries, lines and letterings are insert-only; a journal's counter row is locked by the
transaction that posts, so that numbers follow each other with no gap, in the order entries
are validated.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from billing.domain import fec
from billing.domain.money import money
from billing.repositories.issuing_sql import POST_ENTRIES
from billing.repositories.records import NewEntry, PostedEntry
from billing.tables import (
    ledger_counters,
    ledger_entries,
    ledger_lettered_lines,
    ledger_letterings,
    ledger_lines,
)

_CUSTOMERS = fec.CUSTOMERS[0]


class LedgerRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def next_number(self, journal: str, fiscal_year: int, today: date) -> tuple[int, date]:
        """The counter's next number in the fiscal year (the lettering codes'), and the date
        (today, or the counter's last one should the clock say earlier), locked until commit."""
        statement = pg_insert(ledger_counters).values(
            journal=journal, fiscal_year=fiscal_year, last_number=1, last_valid_on=today
        )
        statement = statement.on_conflict_do_update(
            index_elements=[ledger_counters.c.journal, ledger_counters.c.fiscal_year],
            set_={
                "last_number": ledger_counters.c.last_number + 1,
                "last_valid_on": sa.func.greatest(
                    ledger_counters.c.last_valid_on, statement.excluded.last_valid_on
                ),
            },
        )
        result = await self.connection.execute(
            statement.returning(ledger_counters.c.last_number, ledger_counters.c.last_valid_on)
        )
        number, valid_on = result.one()
        return int(number), valid_on

    async def post_entry(self, entry: NewEntry, posted: fec.Entry) -> PostedEntry:
        """Post ``posted`` with its journal's next number for the fiscal year and its
        validation date (the counter locked until commit), its lines with it."""
        [done] = await self.post_entries([(entry, posted)])
        return done

    async def post_entries(
        self, entries: Sequence[tuple[NewEntry, fec.Entry]]
    ) -> list[PostedEntry]:
        """Post entries of one journal and fiscal year, validated together, with the
        journal's next numbers in their order, and their lines, in one statement."""
        first = entries[0][0]
        assert all(
            (e.journal, e.fiscal_year, e.valid_on, e.posted_at)
            == (first.journal, first.fiscal_year, first.valid_on, first.posted_at)
            for e, _ in entries
        ), "one journal, fiscal year and validation per statement"
        lines = [
            (rank, n, x) for rank, (_, p) in enumerate(entries, 1) for n, x in enumerate(p.lines, 1)
        ]
        result = await self.connection.execute(
            POST_ENTRIES,
            {
                "journal": first.journal,
                "fiscal_year": first.fiscal_year,
                "count": len(entries),
                "today": first.valid_on,
                "posted_at": first.posted_at,
                "entry_date": [p.on for _, p in entries],
                "piece_ref": [p.piece for _, p in entries],
                "piece_date": [p.piece_date for _, p in entries],
                "label": [p.label for _, p in entries],
                "source_kind": [e.source_kind for e, _ in entries],
                "source_id": [e.source_id for e, _ in entries],
                "line_ranks": [rank for rank, _, _ in lines],
                "positions": [n for _, n, _ in lines],
                "accounts": [x.account[0] for _, _, x in lines],
                "account_labels": [x.account[1] for _, _, x in lines],
                "aux_accounts": [x.party.aux if x.party else None for _, _, x in lines],
                "aux_labels": [x.party.name if x.party else None for _, _, x in lines],
                "debits": [x.debit for _, _, x in lines],
                "credits": [x.credit for _, _, x in lines],
                "invoice_ids": [x.invoice_id for _, _, x in lines],
            },
        )
        return [PostedEntry(int(r.id), int(r.number), r.valid_on) for r in result]

    async def open_customer_lines(self, invoice_id: Any) -> list[fec.OpenLine] | None:
        """The customer lines of an invoice not lettered yet; None when it is lettered."""
        lettered = await self.connection.execute(
            sa.select(ledger_letterings.c.id).where(ledger_letterings.c.invoice_id == invoice_id)
        )
        if lettered.first() is not None:
            return None
        rows = await self.connection.execute(
            sa.select(
                ledger_lines.c.entry_id,
                ledger_lines.c.position,
                ledger_entries.c.fiscal_year,
                ledger_entries.c.entry_date,
                ledger_lines.c.debit,
                ledger_lines.c.credit,
            )
            .join(ledger_entries, ledger_entries.c.id == ledger_lines.c.entry_id)
            .where(ledger_lines.c.invoice_id == invoice_id, ledger_lines.c.account == _CUSTOMERS)
            .order_by(ledger_lines.c.entry_id, ledger_lines.c.position)
        )
        return [
            fec.OpenLine(
                r.entry_id,
                r.position,
                r.fiscal_year,
                r.entry_date,
                money(r.debit),
                money(r.credit),
            )
            for r in rows
        ]

    async def add_lettering(
        self,
        *,
        fiscal_year: int,
        code: str,
        lettered_on: date,
        invoice_id: Any,
        lines: list[fec.OpenLine],
    ) -> None:
        result = await self.connection.execute(
            sa.insert(ledger_letterings)
            .values(
                fiscal_year=fiscal_year, code=code, lettered_on=lettered_on, invoice_id=invoice_id
            )
            .returning(ledger_letterings.c.id)
        )
        lettering_id = int(result.scalar_one())
        await self.connection.execute(
            sa.insert(ledger_lettered_lines),
            [
                {"entry_id": x.entry_id, "position": x.position, "lettering_id": lettering_id}
                for x in lines
            ],
        )

    async def fec_rows(self, fiscal_year: int) -> list[fec.FecRow]:
        """Every line posted in the fiscal year, in the order of validation, then journal and
        number: the FEC's order."""
        query = (
            sa.select(
                ledger_entries.c.journal,
                ledger_entries.c.number.label("entry_number"),
                ledger_entries.c.entry_date,
                ledger_entries.c.piece_ref,
                ledger_entries.c.piece_date,
                ledger_entries.c.label,
                ledger_entries.c.valid_on,
                ledger_lines.c.account,
                ledger_lines.c.account_label,
                ledger_lines.c.aux_account,
                ledger_lines.c.aux_label,
                ledger_lines.c.debit,
                ledger_lines.c.credit,
                ledger_letterings.c.code,
                ledger_letterings.c.lettered_on,
            )
            .select_from(
                ledger_entries.join(ledger_lines, ledger_lines.c.entry_id == ledger_entries.c.id)
                .outerjoin(
                    ledger_lettered_lines,
                    sa.and_(
                        ledger_lettered_lines.c.entry_id == ledger_lines.c.entry_id,
                        ledger_lettered_lines.c.position == ledger_lines.c.position,
                    ),
                )
                .outerjoin(
                    ledger_letterings,
                    ledger_letterings.c.id == ledger_lettered_lines.c.lettering_id,
                )
            )
            .where(ledger_entries.c.fiscal_year == fiscal_year)
            .order_by(
                ledger_entries.c.valid_on,
                ledger_entries.c.journal,
                ledger_entries.c.number,
                ledger_lines.c.position,
            )
        )
        return [
            fec.FecRow(
                journal=r.journal,
                number=fec.entry_number(r.journal, r.entry_number),
                on=r.entry_date,
                account=r.account,
                account_label=r.account_label,
                aux=r.aux_account,
                aux_label=r.aux_label,
                piece=r.piece_ref,
                piece_date=r.piece_date,
                label=r.label,
                debit=r.debit,
                credit=r.credit,
                valid_on=r.valid_on,
                letter=r.code,
                lettered_on=r.lettered_on,
            )
            for r in await self.connection.execute(query)
        ]
