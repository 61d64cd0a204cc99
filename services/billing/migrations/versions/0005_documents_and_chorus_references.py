"""Frozen documents (F3, F7, F8) and the Chorus Pro references of public customers (F8).

Every invoice, credit note and reminder is frozen when it is issued: ``document_sources`` holds
what its document says (seller, customer, lines, dates) as JSON, so that a later change of the
settings or of the customer never changes it; ``document_files`` holds the file made from it
once, with its SHA-256. A public body's invoice issued without a reference its Chorus Pro
structure requires waits (``awaiting_references``) until finance records it:
``document_references`` keeps each such recording. All three are insert-only.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
INSERT_ONLY = ("document_sources", "document_references", "document_files")


def upgrade() -> None:
    op.add_column("customers", sa.Column("chorus_service_code", sa.Text))
    op.add_column("customers", sa.Column("chorus_commitment_number", sa.Text))
    for name in ("chorus_service_code_required", "chorus_commitment_required"):
        op.add_column(
            "customers",
            sa.Column(name, sa.Boolean, nullable=False, server_default=sa.false()),
        )
    op.create_table(
        "document_sources",
        sa.Column("document_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("number", sa.Text, nullable=False),
        sa.Column("invoice_id", UUID(as_uuid=True), sa.ForeignKey("invoices.id"), nullable=False),
        sa.Column("siren", sa.Text, nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("public_body", sa.Boolean, nullable=False),
        sa.Column("awaiting_references", sa.Boolean, nullable=False),
        sa.Column("source", JSONB, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("kind", "number", name="uq_document_sources_kind_number"),
        sa.CheckConstraint(
            "kind IN ('invoice', 'credit_note', 'reminder')", name="document_kind_known"
        ),
    )
    op.create_index("ix_document_sources_invoice_id", "document_sources", ["invoice_id"])
    op.create_index("ix_document_sources_siren", "document_sources", ["siren"])
    op.create_index("ix_document_sources_issued_on", "document_sources", ["issued_on"])
    op.create_table(
        "document_references",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column(
            "document_id",
            UUID(as_uuid=True),
            sa.ForeignKey("document_sources.document_id"),
            nullable=False,
        ),
        sa.Column("siret", sa.Text),
        sa.Column("service_code", sa.Text),
        sa.Column("commitment_number", sa.Text),
        #: The document's customer with these references has every one it requires.
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.Column("recorded_by", sa.Text, nullable=False),
    )
    op.create_index("ix_document_references_document_id", "document_references", ["document_id"])
    op.create_table(
        "document_files",
        sa.Column(
            "document_id",
            UUID(as_uuid=True),
            sa.ForeignKey("document_sources.document_id"),
            primary_key=True,
        ),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("media_type", sa.Text, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("produced_at", TS, nullable=False),
        sa.CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name="sha256_hex"),
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
    for name in (
        "chorus_commitment_required",
        "chorus_service_code_required",
        "chorus_commitment_number",
        "chorus_service_code",
    ):
        op.drop_column("customers", name)
