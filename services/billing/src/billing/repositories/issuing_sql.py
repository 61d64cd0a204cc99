"""The statements of issuing an invoice (F1, F2), written once: issuing holds the year's
counter lock until commit, so what runs under it is a few prepared statements.

Each is a constant (compiled once, prepared once per connection); the values come as
parameters. Arrays carry the lines of a multi-row insert.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, UUID

_UUID = UUID(as_uuid=True)

#: Creates the (series, year) counter or locks it (a no-op update), and returns its last value.
LOCK_SEQUENCE = sa.text(
    "INSERT INTO number_sequences (series, year, last_value) VALUES (:series, :year, 0) "
    "ON CONFLICT (series, year) DO UPDATE SET last_value = number_sequences.last_value "
    "RETURNING last_value"
)

#: The next number, unless an invoice exists for the subject or the live dues key (then no row:
#: the statement starts after the lock was granted, so it sees what a concurrent issue did).
ADVANCE_UNLESS_ISSUED = sa.text(
    "UPDATE number_sequences SET last_value = last_value + 1 "
    "WHERE series = 'FA' AND year = :year AND last_value = :expected "
    "AND NOT EXISTS (SELECT 1 FROM invoices WHERE kind = :kind AND subject_id = :subject_id) "
    "AND NOT EXISTS (SELECT 1 FROM dues_keys WHERE siren = CAST(:dues_siren AS text) "
    "    AND year = :dues_year AND kind = :kind) "
    "RETURNING last_value"
).bindparams(sa.bindparam("subject_id", type_=_UUID))

#: The invoice of a subject, or the live invoice of the dues key.
FIND_EXISTING = sa.text(
    "SELECT id FROM invoices WHERE kind = :kind AND subject_id = :subject_id "
    "UNION ALL SELECT invoice_id FROM dues_keys WHERE siren = CAST(:dues_siren AS text) "
    "    AND year = :dues_year AND kind = :kind "
    "LIMIT 1"
).bindparams(sa.bindparam("subject_id", type_=_UUID))

#: The invoice, its lines, its dues key (dues only) and its state row at version 1.
INSERT_INVOICE = sa.text(
    "WITH inv AS ("
    " INSERT INTO invoices (id, number, series_year, sequence, kind, subject_id, membership_id,"
    "  siren, year, plan, customer_name, customer_address_line, customer_postal_code,"
    "  customer_city, customer_siret, customer_public_body, issued_on, due_on, total, currency,"
    "  created_at)"
    " VALUES (:id, :number, :series_year, :sequence, :kind, :subject_id, :membership_id,"
    "  :siren, :year, :plan, :customer_name, :customer_address_line, :customer_postal_code,"
    "  :customer_city, :customer_siret, :customer_public_body, :issued_on, :due_on, :total,"
    "  'EUR', :created_at)"
    " RETURNING id),"
    " lines AS ("
    " INSERT INTO invoice_lines (invoice_id, position, description, quantity, unit_price, amount)"
    " SELECT inv.id, l.position, l.description, l.quantity, l.unit_price, l.amount"
    " FROM inv, unnest(CAST(:positions AS integer[]), CAST(:descriptions AS text[]),"
    "  CAST(:quantities AS integer[]), CAST(:unit_prices AS numeric[]),"
    "  CAST(:amounts AS numeric[])) AS l(position, description, quantity, unit_price, amount)),"
    " dues AS ("
    " INSERT INTO dues_keys (siren, year, kind, invoice_id)"
    " SELECT :siren, :year, :kind, inv.id FROM inv WHERE CAST(:claims_dues AS boolean))"
    " INSERT INTO invoice_state (invoice_id) SELECT id FROM inv"
    " RETURNING invoice_id, version"
).bindparams(
    sa.bindparam("id", type_=_UUID),
    sa.bindparam("subject_id", type_=_UUID),
    sa.bindparam("membership_id", type_=_UUID),
    sa.bindparam("positions", type_=ARRAY(sa.Integer)),
    sa.bindparam("descriptions", type_=ARRAY(sa.Text)),
    sa.bindparam("quantities", type_=ARRAY(sa.Integer)),
    sa.bindparam("unit_prices", type_=ARRAY(sa.Numeric(12, 2))),
    sa.bindparam("amounts", type_=ARRAY(sa.Numeric(12, 2))),
)

#: F7: an entry posted with the journal's next number for the fiscal year (the counter locked
#: until commit; validation dates never go back in a journal) and its lines.
POST_ENTRY = sa.text(
    "WITH counter AS ("
    " INSERT INTO ledger_counters (journal, fiscal_year, last_number, last_valid_on)"
    " VALUES (:journal, :fiscal_year, 1, :today)"
    " ON CONFLICT (journal, fiscal_year) DO UPDATE"
    " SET last_number = ledger_counters.last_number + 1,"
    "  last_valid_on = greatest(ledger_counters.last_valid_on, EXCLUDED.last_valid_on)"
    " RETURNING last_number, last_valid_on),"
    " entry AS ("
    " INSERT INTO ledger_entries (journal, fiscal_year, number, entry_date, piece_ref, piece_date,"
    "  label, valid_on, source_kind, source_id, posted_at)"
    " SELECT :journal, :fiscal_year, counter.last_number, :entry_date, :piece_ref, :piece_date,"
    "  :label, counter.last_valid_on, :source_kind, :source_id, :posted_at FROM counter"
    " RETURNING id, number, valid_on),"
    " lines AS ("
    " INSERT INTO ledger_lines (entry_id, position, account, account_label, aux_account,"
    "  aux_label, debit, credit, invoice_id)"
    " SELECT entry.id, l.position, l.account, l.account_label, l.aux_account, l.aux_label,"
    "  l.debit, l.credit, l.invoice_id"
    " FROM entry, unnest(CAST(:positions AS integer[]), CAST(:accounts AS text[]),"
    "  CAST(:account_labels AS text[]), CAST(:aux_accounts AS text[]),"
    "  CAST(:aux_labels AS text[]), CAST(:debits AS numeric[]), CAST(:credits AS numeric[]),"
    "  CAST(:invoice_ids AS uuid[]))"
    "  AS l(position, account, account_label, aux_account, aux_label, debit, credit, invoice_id))"
    " SELECT id, number, valid_on FROM entry"
).bindparams(
    sa.bindparam("positions", type_=ARRAY(sa.Integer)),
    sa.bindparam("accounts", type_=ARRAY(sa.Text)),
    sa.bindparam("account_labels", type_=ARRAY(sa.Text)),
    sa.bindparam("aux_accounts", type_=ARRAY(sa.Text)),
    sa.bindparam("aux_labels", type_=ARRAY(sa.Text)),
    sa.bindparam("debits", type_=ARRAY(sa.Numeric(12, 2))),
    sa.bindparam("credits", type_=ARRAY(sa.Numeric(12, 2))),
    sa.bindparam("invoice_ids", type_=ARRAY(_UUID)),
)

#: F1, F8: the customer as membership describes it now; a Chorus Pro reference the event does
#: not carry keeps the one known (finance may have recorded it).
UPSERT_CUSTOMER = sa.text(
    "INSERT INTO customers (siren, siret, legal_name, address_line, postal_code, city,"
    " insee_code, public_body, email, updated_at, chorus_service_code,"
    " chorus_commitment_number, chorus_service_code_required, chorus_commitment_required)"
    " VALUES (:siren, :siret, :legal_name, :address_line, :postal_code, :city, :insee_code,"
    " :public_body, :email, :updated_at, :chorus_service_code, :chorus_commitment_number,"
    " :chorus_service_code_required, :chorus_commitment_required)"
    " ON CONFLICT (siren) DO UPDATE SET siret = EXCLUDED.siret,"
    " legal_name = EXCLUDED.legal_name, address_line = EXCLUDED.address_line,"
    " postal_code = EXCLUDED.postal_code, city = EXCLUDED.city,"
    " insee_code = EXCLUDED.insee_code, public_body = EXCLUDED.public_body,"
    " email = EXCLUDED.email, updated_at = EXCLUDED.updated_at,"
    " chorus_service_code = coalesce(EXCLUDED.chorus_service_code,"
    "  customers.chorus_service_code),"
    " chorus_commitment_number = coalesce(EXCLUDED.chorus_commitment_number,"
    "  customers.chorus_commitment_number),"
    " chorus_service_code_required = EXCLUDED.chorus_service_code_required,"
    " chorus_commitment_required = EXCLUDED.chorus_commitment_required"
    " RETURNING *"
)

#: F3: a document's frozen source.
INSERT_SOURCE = sa.text(
    "INSERT INTO document_sources (document_id, kind, number, invoice_id, siren, issued_on,"
    " public_body, awaiting_references, source, created_at)"
    " VALUES (:document_id, :kind, :number, :invoice_id, :siren, :issued_on, :public_body,"
    " :awaiting_references, CAST(:source AS jsonb), :created_at)"
).bindparams(sa.bindparam("document_id", type_=_UUID), sa.bindparam("invoice_id", type_=_UUID))

#: B3: a structure's auditorium dates not invoiced yet, locked.
WAITING_DATES = sa.text(
    "SELECT * FROM auditorium_bookings WHERE siren = :siren AND invoice_id IS NULL"
    " AND amount IS NOT NULL ORDER BY booked_on, booking_id FOR UPDATE"
)
