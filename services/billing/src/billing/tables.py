"""The billing service's tables (SQLAlchemy Core); the schema changes only by migration."""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

from shared.db import new_metadata
from shared.messaging.tables import aggregate_versions_table, inbox_table, outbox_table

metadata = new_metadata()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
aggregate_versions = aggregate_versions_table(metadata)

Money = sa.Numeric(12, 2)
Timestamp = sa.DateTime(timezone=True)

#: The main structures invoiced (F1), kept from membership events; SIRET and public-body flag
#: are kept for Chorus Pro (F8).
customers = sa.Table(
    "customers",
    metadata,
    sa.Column("siren", sa.Text, primary_key=True),
    sa.Column("siret", sa.Text),
    sa.Column("legal_name", sa.Text, nullable=False),
    sa.Column("address_line", sa.Text, nullable=False),
    sa.Column("postal_code", sa.Text, nullable=False),
    sa.Column("city", sa.Text, nullable=False),
    sa.Column("insee_code", sa.Text),
    sa.Column("public_body", sa.Boolean, nullable=False),
    sa.Column("email", sa.Text),
    sa.Column("updated_at", Timestamp, nullable=False),
    #: F8: the Chorus Pro service code and commitment number, and whether the body requires
    #: each (from membership's events, or recorded by finance).
    sa.Column("chorus_service_code", sa.Text),
    sa.Column("chorus_commitment_number", sa.Text),
    sa.Column(
        "chorus_service_code_required", sa.Boolean, nullable=False, server_default=sa.false()
    ),
    sa.Column("chorus_commitment_required", sa.Boolean, nullable=False, server_default=sa.false()),
)

#: F2: one counter per series (FA, AV) and year, locked by the issuing transaction.
number_sequences = sa.Table(
    "number_sequences",
    metadata,
    sa.Column("series", sa.Text, primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("last_value", sa.Integer, nullable=False),
)

#: Issued invoices: immutable (a trigger refuses UPDATE and DELETE); the customer is copied.
invoices = sa.Table(
    "invoices",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("number", sa.Text, nullable=False, unique=True),
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
    sa.Column("total", Money, nullable=False),
    sa.Column("currency", sa.Text, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
)

invoice_lines = sa.Table(
    "invoice_lines",
    metadata,
    sa.Column("invoice_id", UUID(as_uuid=True), sa.ForeignKey("invoices.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("unit_price", Money, nullable=False),
    sa.Column("amount", Money, nullable=False),
)

#: F1: the live dues invoice of each business key (structure, year, kind); a full credit note
#: releases the key, so that a structure re-approved after a cancellation is invoiced again.
dues_keys = sa.Table(
    "dues_keys",
    metadata,
    sa.Column("siren", sa.Text, primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("kind", sa.Text, primary_key=True),
    sa.Column("invoice_id", UUID(as_uuid=True), sa.ForeignKey("invoices.id"), nullable=False),
)

#: What happens to an invoice after issue: paid (F5) and overdue (F4) marks, set once, and the
#: invoice aggregate's version, advanced by every change (allocation, credit note, marks) and
#: carried by its events as ``aggregate_version``.
invoice_state = sa.Table(
    "invoice_state",
    metadata,
    sa.Column("invoice_id", UUID(as_uuid=True), sa.ForeignKey("invoices.id"), primary_key=True),
    sa.Column("paid_on", sa.Date),
    sa.Column("paid_at", Timestamp),
    sa.Column("overdue_on", sa.Date),
    sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
)

credit_notes = sa.Table(
    "credit_notes",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("number", sa.Text, nullable=False, unique=True),
    sa.Column("series_year", sa.Integer, nullable=False),
    sa.Column("sequence", sa.Integer, nullable=False),
    sa.Column("invoice_id", UUID(as_uuid=True), sa.ForeignKey("invoices.id"), nullable=False),
    sa.Column("siren", sa.Text, nullable=False),
    sa.Column("amount", Money, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("cancels_invoice", sa.Boolean, nullable=False),
    sa.Column("issued_on", sa.Date, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
)

payments = sa.Table(
    "payments",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("method", sa.Text, nullable=False),
    sa.Column("amount", Money, nullable=False),
    sa.Column("received_on", sa.Date, nullable=False),
    sa.Column("payer_reference", sa.Text, nullable=False),
    sa.Column("bank_reference", sa.Text, nullable=False, unique=True),
    sa.Column("payer", sa.Text),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("recorded_at", Timestamp, nullable=False),
    sa.Column("recorded_by", sa.Text, nullable=False),
)

#: The payment aggregate's version (payments never change): advanced by each allocation.
payment_state = sa.Table(
    "payment_state",
    metadata,
    sa.Column("payment_id", UUID(as_uuid=True), sa.ForeignKey("payments.id"), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
)

payment_allocations = sa.Table(
    "payment_allocations",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("payment_id", UUID(as_uuid=True), sa.ForeignKey("payments.id"), nullable=False),
    sa.Column("invoice_id", UUID(as_uuid=True), sa.ForeignKey("invoices.id"), nullable=False),
    sa.Column("amount", Money, nullable=False),
    sa.Column("allocated_on", sa.Date, nullable=False),
    sa.Column("allocated_at", Timestamp, nullable=False),
    #: Matched when the payment was recorded (bank journal) or by hand later (OD journal).
    sa.Column("at_recording", sa.Boolean, nullable=False),
    sa.Column("allocated_by", sa.Text, nullable=False),
)

#: F6: memberships as billing knows them from ``MembershipActivated`` / ``MembershipLapsed``.
memberships = sa.Table(
    "memberships",
    metadata,
    sa.Column("membership_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("siren", sa.Text, nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("plan", sa.Text, nullable=False),
    sa.Column("activated_at", Timestamp),
    sa.Column("lapsed_on", sa.Date),
    sa.Column("lapse_reason", sa.Text),
    sa.Column("invoice_id", UUID(as_uuid=True)),
    sa.Column("updated_at", Timestamp, nullable=False),
)

#: F3, F8: what each issued document says, frozen when it was issued (insert-only): a later
#: change of the settings or of the customer never changes it.
document_sources = sa.Table(
    "document_sources",
    metadata,
    sa.Column("document_id", UUID(as_uuid=True), primary_key=True),
    #: ``invoice``, ``credit_note`` or ``reminder``.
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("number", sa.Text, nullable=False),
    sa.Column("invoice_id", UUID(as_uuid=True), sa.ForeignKey("invoices.id"), nullable=False),
    sa.Column("siren", sa.Text, nullable=False),
    sa.Column("issued_on", sa.Date, nullable=False),
    sa.Column("public_body", sa.Boolean, nullable=False),
    #: F8: issued without a Chorus Pro reference its public customer requires.
    sa.Column("awaiting_references", sa.Boolean, nullable=False),
    sa.Column("source", JSONB, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
)

#: F8: references finance recorded for a document awaiting them (insert-only; the last wins).
document_references = sa.Table(
    "document_references",
    metadata,
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
    sa.Column("complete", sa.Boolean, nullable=False),
    sa.Column("recorded_at", Timestamp, nullable=False),
    sa.Column("recorded_by", sa.Text, nullable=False),
)

#: F7: the file made once from each source, with its checksum (insert-only).
document_files = sa.Table(
    "document_files",
    metadata,
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
    sa.Column("produced_at", Timestamp, nullable=False),
)

#: F7: each journal's entry counter per fiscal year (``LET``: the lettering codes'), locked by
#: the posting transaction.
ledger_counters = sa.Table(
    "ledger_counters",
    metadata,
    sa.Column("journal", sa.Text, primary_key=True),
    sa.Column("fiscal_year", sa.Integer, primary_key=True),
    sa.Column("last_number", sa.Integer, nullable=False),
    sa.Column("last_valid_on", sa.Date, nullable=False),
)

#: F7: the entries posted, once per fact (insert-only).
ledger_entries = sa.Table(
    "ledger_entries",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("journal", sa.Text, nullable=False),
    sa.Column("fiscal_year", sa.Integer, nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("entry_date", sa.Date, nullable=False),
    sa.Column("piece_ref", sa.Text, nullable=False),
    sa.Column("piece_date", sa.Date, nullable=False),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("valid_on", sa.Date, nullable=False),
    sa.Column("source_kind", sa.Text, nullable=False),
    sa.Column("source_id", sa.Text, nullable=False),
    sa.Column("posted_at", Timestamp, nullable=False),
)

ledger_lines = sa.Table(
    "ledger_lines",
    metadata,
    sa.Column("entry_id", sa.BigInteger, sa.ForeignKey("ledger_entries.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("account", sa.Text, nullable=False),
    sa.Column("account_label", sa.Text, nullable=False),
    sa.Column("aux_account", sa.Text),
    sa.Column("aux_label", sa.Text),
    sa.Column("debit", Money, nullable=False),
    sa.Column("credit", Money, nullable=False),
    #: The invoice a customer line concerns (for lettering).
    sa.Column("invoice_id", UUID(as_uuid=True)),
)

#: F7: the lines of an invoice settled exactly, lettered together (insert-only).
ledger_letterings = sa.Table(
    "ledger_letterings",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("fiscal_year", sa.Integer, nullable=False),
    sa.Column("code", sa.Text, nullable=False),
    sa.Column("lettered_on", sa.Date, nullable=False),
    sa.Column("invoice_id", UUID(as_uuid=True), nullable=False),
)

ledger_lettered_lines = sa.Table(
    "ledger_lettered_lines",
    metadata,
    sa.Column("entry_id", sa.BigInteger, primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("lettering_id", sa.BigInteger, sa.ForeignKey("ledger_letterings.id"), nullable=False),
    sa.ForeignKeyConstraint(
        ["entry_id", "position"],
        ["ledger_lines.entry_id", "ledger_lines.position"],
        name="fk_ledger_lettered_lines_line",
    ),
)

#: Idempotency keys of the requests that create money, with the answer given to the first.
idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column("principal", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("fingerprint", sa.Text, nullable=False),
    sa.Column("status", sa.Integer),
    sa.Column("body", JSONB),
    sa.Column("created_at", Timestamp, nullable=False),
)

#: F3, F6: the reminders sent of each overdue invoice, one per level (insert-only).
reminders = sa.Table(
    "reminders",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("invoice_id", UUID(as_uuid=True), sa.ForeignKey("invoices.id"), nullable=False),
    sa.Column("level", sa.Integer, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("days_after_due", sa.Integer, nullable=False),
    sa.Column("sent_on", sa.Date, nullable=False),
    sa.Column("amount_due", Money, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
)

#: B3, F6: auditorium dates as booking's events describe them, and what billing issued for them.
auditorium_bookings = sa.Table(
    "auditorium_bookings",
    metadata,
    sa.Column("booking_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("siren", sa.Text, nullable=False),
    sa.Column("resource_id", UUID(as_uuid=True), nullable=False),
    sa.Column("resource_name", sa.Text, nullable=False),
    sa.Column("booked_on", sa.Date, nullable=False),
    sa.Column("starts_at", sa.Time, nullable=False),
    sa.Column("ends_at", sa.Time, nullable=False),
    sa.Column("amount", Money),
    sa.Column("booked_at", Timestamp),
    sa.Column("cancelled_at", Timestamp),
    sa.Column("cancel_reason", sa.Text),
    sa.Column("invoice_id", UUID(as_uuid=True), sa.ForeignKey("invoices.id")),
    sa.Column("credit_note_id", UUID(as_uuid=True), sa.ForeignKey("credit_notes.id")),
    sa.Column("updated_at", Timestamp, nullable=False),
)

# The constraints and indexes migration 0002 creates, so that the definitions match the schema
# (F2: one number per position of a yearly sequence; F1: one invoice per subject).
sa.UniqueConstraint(
    invoices.c.series_year, invoices.c.sequence, name="uq_invoices_series_year_sequence"
)
sa.UniqueConstraint(invoices.c.kind, invoices.c.subject_id, name="uq_invoices_kind_subject")
sa.Index("ix_invoices_issued_on", invoices.c.issued_on)
sa.Index("ix_invoices_siren", invoices.c.siren)
sa.UniqueConstraint(dues_keys.c.invoice_id, name="uq_dues_keys_invoice_id")
sa.UniqueConstraint(
    credit_notes.c.series_year, credit_notes.c.sequence, name="uq_credit_notes_series_year_sequence"
)
sa.Index("ix_credit_notes_invoice_id", credit_notes.c.invoice_id)
sa.Index("ix_payments_received_on", payments.c.received_on)
sa.Index("ix_payment_allocations_payment_id", payment_allocations.c.payment_id)
sa.Index("ix_payment_allocations_invoice_id", payment_allocations.c.invoice_id)
sa.Index("ix_memberships_year", memberships.c.year)
sa.UniqueConstraint(
    document_sources.c.kind, document_sources.c.number, name="uq_document_sources_kind_number"
)
sa.Index("ix_document_sources_invoice_id", document_sources.c.invoice_id)
sa.Index("ix_document_sources_siren", document_sources.c.siren)
sa.Index("ix_document_sources_issued_on", document_sources.c.issued_on)
sa.Index("ix_document_references_document_id", document_references.c.document_id)
sa.UniqueConstraint(
    ledger_entries.c.journal,
    ledger_entries.c.fiscal_year,
    ledger_entries.c.number,
    name="uq_ledger_entries_journal_year_number",
)
sa.UniqueConstraint(
    ledger_entries.c.source_kind, ledger_entries.c.source_id, name="uq_ledger_entries_source"
)
sa.Index(
    "ix_ledger_entries_year_order",
    ledger_entries.c.fiscal_year,
    ledger_entries.c.valid_on,
    ledger_entries.c.journal,
    ledger_entries.c.number,
)
sa.Index("ix_ledger_lines_invoice_id", ledger_lines.c.invoice_id)
sa.UniqueConstraint(
    ledger_letterings.c.fiscal_year, ledger_letterings.c.code, name="uq_ledger_letterings_year_code"
)
sa.UniqueConstraint(ledger_letterings.c.invoice_id, name="uq_ledger_letterings_invoice_id")
sa.UniqueConstraint(reminders.c.invoice_id, reminders.c.level, name="uq_reminders_invoice_level")
sa.Index("ix_auditorium_bookings_siren", auditorium_bookings.c.siren)
sa.Index("ix_auditorium_bookings_booked_on", auditorium_bookings.c.booked_on)
