"""Customers, gap-free numbering, immutable invoices and credit notes, payments, memberships.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(12, 2)
TS = sa.DateTime(timezone=True)
IMMUTABLE = ("invoices", "invoice_lines", "credit_notes", "payments", "payment_allocations")


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("siren", sa.Text, primary_key=True),
        sa.Column("siret", sa.Text),
        sa.Column("legal_name", sa.Text, nullable=False),
        sa.Column("address_line", sa.Text, nullable=False),
        sa.Column("postal_code", sa.Text, nullable=False),
        sa.Column("city", sa.Text, nullable=False),
        sa.Column("insee_code", sa.Text),
        sa.Column("public_body", sa.Boolean, nullable=False),
        sa.Column("email", sa.Text),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint("siren ~ '^[0-9]{9}$'", name="siren_digits"),
    )
    op.create_table(
        "number_sequences",
        sa.Column("series", sa.Text, primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("last_value", sa.Integer, nullable=False),
        sa.CheckConstraint("series IN ('FA', 'AV')", name="series_known"),
        sa.CheckConstraint("last_value >= 0", name="last_value_positive"),
    )
    op.create_table(
        "invoices",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("number", sa.Text, nullable=False),
        sa.Column("series_year", sa.Integer, nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("subject_id", UUID(as_uuid=True), nullable=False),
        sa.Column("membership_id", UUID(as_uuid=True)),
        sa.Column("siren", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("plan", sa.Text),
        sa.Column("customer_name", sa.Text, nullable=False),
        sa.Column("customer_address_line", sa.Text, nullable=False),
        sa.Column("customer_postal_code", sa.Text, nullable=False),
        sa.Column("customer_city", sa.Text, nullable=False),
        sa.Column("customer_siret", sa.Text),
        sa.Column("customer_public_body", sa.Boolean, nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("currency", sa.Text, nullable=False, server_default="EUR"),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("number", name="uq_invoices_number"),
        sa.UniqueConstraint("series_year", "sequence", name="uq_invoices_series_year_sequence"),
        sa.UniqueConstraint("kind", "subject_id", name="uq_invoices_kind_subject"),
        sa.CheckConstraint(
            "kind IN ('membership_new', 'membership_renewal', 'plan_upgrade', 'auditorium')",
            name="kind_known",
        ),
        sa.CheckConstraint("total >= 0", name="total_positive"),
        sa.CheckConstraint("sequence >= 1", name="sequence_positive"),
    )
    op.create_index("ix_invoices_issued_on", "invoices", ["issued_on"])
    op.create_index("ix_invoices_siren", "invoices", ["siren"])
    op.create_table(
        "invoice_lines",
        sa.Column("invoice_id", UUID(as_uuid=True), sa.ForeignKey("invoices.id"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("unit_price", MONEY, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.CheckConstraint("quantity >= 1", name="quantity_positive"),
    )
    # F1: one live dues invoice per business key (structure, year, kind), whatever the
    # deliveries; a credit note cancelling the invoice in full releases the key.
    op.create_table(
        "dues_keys",
        sa.Column("siren", sa.Text, primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("kind", sa.Text, primary_key=True),
        sa.Column("invoice_id", UUID(as_uuid=True), sa.ForeignKey("invoices.id"), nullable=False),
        sa.UniqueConstraint("invoice_id", name="uq_dues_keys_invoice_id"),
        sa.CheckConstraint(
            "kind IN ('membership_new', 'membership_renewal', 'plan_upgrade')", name="kind_dues"
        ),
    )
    op.create_table(
        "invoice_state",
        sa.Column("invoice_id", UUID(as_uuid=True), sa.ForeignKey("invoices.id"), primary_key=True),
        sa.Column("paid_on", sa.Date),
        sa.Column("paid_at", TS),
        sa.Column("overdue_on", sa.Date),
    )
    op.create_table(
        "credit_notes",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("number", sa.Text, nullable=False),
        sa.Column("series_year", sa.Integer, nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("invoice_id", UUID(as_uuid=True), sa.ForeignKey("invoices.id"), nullable=False),
        sa.Column("siren", sa.Text, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("cancels_invoice", sa.Boolean, nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.UniqueConstraint("number", name="uq_credit_notes_number"),
        sa.UniqueConstraint("series_year", "sequence", name="uq_credit_notes_series_year_sequence"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
    )
    op.create_index("ix_credit_notes_invoice_id", "credit_notes", ["invoice_id"])
    op.create_table(
        "payments",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("payer_reference", sa.Text, nullable=False),
        sa.Column("bank_reference", sa.Text, nullable=False),
        sa.Column("payer", sa.Text),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.Column("recorded_by", sa.Text, nullable=False),
        # F4: a bank reference is recorded once; the same one again is the same payment.
        sa.UniqueConstraint("bank_reference", name="uq_payments_bank_reference"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("method IN ('transfer', 'cheque', 'card')", name="method_known"),
    )
    op.create_index("ix_payments_received_on", "payments", ["received_on"])
    op.create_table(
        "payment_allocations",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("payment_id", UUID(as_uuid=True), sa.ForeignKey("payments.id"), nullable=False),
        sa.Column("invoice_id", UUID(as_uuid=True), sa.ForeignKey("invoices.id"), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("allocated_on", sa.Date, nullable=False),
        sa.Column("allocated_at", TS, nullable=False),
        sa.Column("at_recording", sa.Boolean, nullable=False),
        sa.Column("allocated_by", sa.Text, nullable=False),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
    )
    op.create_index("ix_payment_allocations_payment_id", "payment_allocations", ["payment_id"])
    op.create_index("ix_payment_allocations_invoice_id", "payment_allocations", ["invoice_id"])
    op.create_table(
        "memberships",
        sa.Column("membership_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("siren", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("plan", sa.Text, nullable=False),
        sa.Column("activated_at", TS),
        sa.Column("lapsed_on", sa.Date),
        sa.Column("lapse_reason", sa.Text),
        sa.Column("invoice_id", UUID(as_uuid=True)),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_memberships_year", "memberships", ["year"])

    # F2: an issued invoice, a credit note, a recorded payment never change nor disappear.
    op.execute(
        """
        CREATE FUNCTION billing_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'F2: % on % is refused: issued documents never change', TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'restrict_violation';
        END $$
        """
    )
    for table in IMMUTABLE:
        op.execute(
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION billing_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION billing_refuse_change()"
        )


def downgrade() -> None:
    for table in IMMUTABLE:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
    op.execute("DROP FUNCTION IF EXISTS billing_refuse_change()")
    op.drop_table("memberships")
    op.drop_table("payment_allocations")
    op.drop_table("payments")
    op.drop_table("credit_notes")
    op.drop_table("invoice_state")
    op.drop_table("dues_keys")
    op.drop_table("invoice_lines")
    op.drop_table("invoices")
    op.drop_table("number_sequences")
    op.drop_table("customers")
