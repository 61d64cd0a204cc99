"""The general ledger of billing's facts (F7): entries posted once, numbered, lettered.

Each fact (an invoice issued, a credit note, a payment recorded, an allocation by hand) posts
its entry in its own transaction, numbered from its journal's counter for the fiscal year
(locked, so numbers follow each other with no gap), with the date it was validated. The lines
of an invoice settled exactly are lettered together. Entries, lines and letterings are
insert-only; the FEC of a year is rendered from them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(12, 2)
TS = sa.DateTime(timezone=True)
INSERT_ONLY = ("ledger_entries", "ledger_lines", "ledger_letterings", "ledger_lettered_lines")


def upgrade() -> None:
    op.create_table(
        "ledger_counters",
        sa.Column("journal", sa.Text, primary_key=True),
        sa.Column("fiscal_year", sa.Integer, primary_key=True),
        sa.Column("last_number", sa.Integer, nullable=False),
        #: Validation dates never go back within a journal's year.
        sa.Column("last_valid_on", sa.Date, nullable=False),
        sa.CheckConstraint("journal IN ('VE', 'BQ', 'OD', 'LET')", name="journal_known"),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("journal", sa.Text, nullable=False),
        sa.Column("fiscal_year", sa.Integer, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("entry_date", sa.Date, nullable=False),
        sa.Column("piece_ref", sa.Text, nullable=False),
        sa.Column("piece_date", sa.Date, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("valid_on", sa.Date, nullable=False),
        #: The fact the entry records: ``invoice``, ``credit_note``, ``payment``, ``allocation``.
        sa.Column("source_kind", sa.Text, nullable=False),
        sa.Column("source_id", sa.Text, nullable=False),
        sa.Column("posted_at", TS, nullable=False),
        sa.UniqueConstraint(
            "journal", "fiscal_year", "number", name="uq_ledger_entries_journal_year_number"
        ),
        sa.UniqueConstraint("source_kind", "source_id", name="uq_ledger_entries_source"),
    )
    op.create_index(
        "ix_ledger_entries_year_order",
        "ledger_entries",
        ["fiscal_year", "valid_on", "journal", "number"],
    )
    op.create_table(
        "ledger_lines",
        sa.Column(
            "entry_id", sa.BigInteger, sa.ForeignKey("ledger_entries.id"), primary_key=True
        ),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("account_label", sa.Text, nullable=False),
        sa.Column("aux_account", sa.Text),
        sa.Column("aux_label", sa.Text),
        sa.Column("debit", MONEY, nullable=False),
        sa.Column("credit", MONEY, nullable=False),
        sa.Column("invoice_id", UUID(as_uuid=True)),
        sa.CheckConstraint("debit >= 0 AND credit >= 0", name="amounts_positive"),
    )
    op.create_index("ix_ledger_lines_invoice_id", "ledger_lines", ["invoice_id"])
    op.create_table(
        "ledger_letterings",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("fiscal_year", sa.Integer, nullable=False),
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("lettered_on", sa.Date, nullable=False),
        sa.Column("invoice_id", UUID(as_uuid=True), nullable=False),
        sa.UniqueConstraint("fiscal_year", "code", name="uq_ledger_letterings_year_code"),
        sa.UniqueConstraint("invoice_id", name="uq_ledger_letterings_invoice_id"),
    )
    op.create_table(
        "ledger_lettered_lines",
        sa.Column("entry_id", sa.BigInteger, primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column(
            "lettering_id",
            sa.BigInteger,
            sa.ForeignKey("ledger_letterings.id"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["entry_id", "position"],
            ["ledger_lines.entry_id", "ledger_lines.position"],
            name="fk_ledger_lettered_lines_line",
        ),
    )
    for table in INSERT_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION billing_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION billing_refuse_change()"
        )


def downgrade() -> None:
    for table in reversed(INSERT_ONLY):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
        op.drop_table(table)
    op.drop_table("ledger_counters")
