"""The statements of issuing invoices (F1, F2), written once: issuing holds the year's counter
lock until commit, so what runs under it is a few prepared statements, whatever the number of
invoices issued together.

Each is a constant (compiled once, prepared once per connection); the values come as
parameters, the rows of a multi-row write as arrays (one per column, ``unnest`` pairs them up).
One invoice is a batch of one: there is no other path.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, UUID

_UUID = UUID(as_uuid=True)
_UUIDS = ARRAY(_UUID)
_TEXTS = ARRAY(sa.Text)
_INTEGERS = ARRAY(sa.Integer)
_BOOLEANS = ARRAY(sa.Boolean)
_DATES = ARRAY(sa.Date)
_AMOUNTS = ARRAY(sa.Numeric(12, 2))
_TIMESTAMPS = ARRAY(sa.DateTime(timezone=True))


def _arrays(names: str, type_: ARRAY[Any]) -> list[sa.BindParameter[Any]]:
    return [sa.bindparam(name, type_=type_) for name in names.split()]


#: Creates the (series, year) counter or locks it (a no-op update), and returns its last value.
LOCK_SEQUENCE = sa.text(
    "INSERT INTO number_sequences (series, year, last_value) VALUES (:series, :year, 0) "
    "ON CONFLICT (series, year) DO UPDATE SET last_value = number_sequences.last_value "
    "RETURNING last_value"
)

#: Advances a locked counter by ``count`` numbers: the last one taken.
ADVANCE_SEQUENCE = sa.text(
    "UPDATE number_sequences SET last_value = last_value + :count "
    "WHERE series = :series AND year = :year AND last_value = :expected "
    "RETURNING last_value"
)

# For each business key (kind, subject, dues key), the invoice of the subject or the live
# invoice of the dues key: NULL when there is none.
_ISSUED = (
    "SELECT key.rank, coalesce("
    " (SELECT i.id FROM invoices i WHERE i.kind = key.kind AND i.subject_id = key.subject_id),"
    " (SELECT d.invoice_id FROM dues_keys d WHERE d.siren = key.dues_siren"
    "  AND d.year = key.dues_year AND d.kind = key.kind)) AS id"
    " FROM unnest(CAST(:kinds AS text[]), CAST(:subject_ids AS uuid[]),"
    "  CAST(:dues_sirens AS text[]), CAST(:dues_years AS integer[])) WITH ORDINALITY"
    "  AS key(kind, subject_id, dues_siren, dues_year, rank)"
)
_KEYS = (
    sa.bindparam("kinds", type_=_TEXTS),
    sa.bindparam("subject_ids", type_=_UUIDS),
    sa.bindparam("dues_sirens", type_=_TEXTS),
    sa.bindparam("dues_years", type_=_INTEGERS),
)

#: The invoice already issued for each business key, in the keys' order (NULL: none).
FIND_ISSUED = sa.text(f"{_ISSUED} ORDER BY key.rank").bindparams(*_KEYS)

#: Under the counter's lock: the invoice already issued for each key, and the counter advanced
#: by the number of keys that have none (the statement starts after the lock was granted, so it
#: sees what a concurrent issue committed). Each row carries the counter's new last value.
ADVANCE_UNLESS_ISSUED = sa.text(
    f"WITH k AS ({_ISSUED}),"
    " advanced AS (UPDATE number_sequences"
    "  SET last_value = last_value + (SELECT count(*) FROM k WHERE k.id IS NULL)"
    "  WHERE series = 'FA' AND year = :year AND last_value = :expected RETURNING last_value)"
    " SELECT k.rank, k.id, (SELECT last_value FROM advanced) AS last_value FROM k ORDER BY k.rank"
).bindparams(*_KEYS)

_INVOICE_COLUMNS = (
    "id number series_year sequence kind subject_id membership_id siren year plan customer_name"
    " customer_address_line customer_postal_code customer_city customer_siret"
    " customer_public_body issued_on due_on total created_at"
)
_INVOICE_TYPES = (
    "uuid text integer integer text uuid uuid text integer text text text text text text"
    " boolean date date numeric timestamptz"
)


def _unnest(columns: str, types: str) -> str:
    """``unnest(CAST(:id AS uuid[]), ...)``: one array per column, named as the column."""
    names, kinds = columns.split(), types.split()
    arrays = ", ".join(f"CAST(:{n} AS {k}[])" for n, k in zip(names, kinds, strict=True))
    return f"unnest({arrays})"


#: The invoices, their lines, their dues keys (dues only) and their state rows at version 1.
INSERT_INVOICES = sa.text(
    "WITH inv AS ("
    f" INSERT INTO invoices ({', '.join(_INVOICE_COLUMNS.split())}, currency)"
    f" SELECT r.*, 'EUR' FROM {_unnest(_INVOICE_COLUMNS, _INVOICE_TYPES)}"
    f"  AS r({', '.join(_INVOICE_COLUMNS.split())})"
    " RETURNING id, siren, year, kind),"
    " lines AS ("
    " INSERT INTO invoice_lines (invoice_id, position, description, quantity, unit_price, amount)"
    " SELECT inv.id, l.position, l.description, l.quantity, l.unit_price, l.amount"
    " FROM unnest(CAST(:line_invoice_ids AS uuid[]), CAST(:line_positions AS integer[]),"
    "  CAST(:line_descriptions AS text[]), CAST(:line_quantities AS integer[]),"
    "  CAST(:line_unit_prices AS numeric[]), CAST(:line_amounts AS numeric[]))"
    "  AS l(invoice_id, position, description, quantity, unit_price, amount)"
    " JOIN inv ON inv.id = l.invoice_id),"
    " dues AS ("
    " INSERT INTO dues_keys (siren, year, kind, invoice_id)"
    " SELECT inv.siren, inv.year, inv.kind, inv.id FROM inv"
    " WHERE inv.id = ANY(CAST(:dues_invoice_ids AS uuid[])))"
    " INSERT INTO invoice_state (invoice_id) SELECT id FROM inv"
    " RETURNING invoice_id, version"
).bindparams(
    *_arrays("id subject_id membership_id line_invoice_ids dues_invoice_ids", _UUIDS),
    *_arrays(
        "number kind siren plan customer_name customer_address_line customer_postal_code"
        " customer_city customer_siret line_descriptions",
        _TEXTS,
    ),
    *_arrays("series_year sequence year line_positions line_quantities", _INTEGERS),
    *_arrays("customer_public_body", _BOOLEANS),
    *_arrays("issued_on due_on", _DATES),
    *_arrays("total line_unit_prices line_amounts", _AMOUNTS),
    sa.bindparam("created_at", type_=_TIMESTAMPS),
)

_ENTRY_COLUMNS = "entry_date piece_ref piece_date label source_kind source_id"
_ENTRY_TYPES = "date text date text text text"

#: F7: entries of one journal and fiscal year posted with the journal's next ``count`` numbers,
#: in the arrays' order (the counter locked until commit; validation dates never go back in a
#: journal), and their lines (``line_ranks``: the rank of each line's entry, from 1).
POST_ENTRIES = sa.text(
    "WITH counter AS ("
    " INSERT INTO ledger_counters (journal, fiscal_year, last_number, last_valid_on)"
    " VALUES (:journal, :fiscal_year, :count, :today)"
    " ON CONFLICT (journal, fiscal_year) DO UPDATE"
    " SET last_number = ledger_counters.last_number + EXCLUDED.last_number,"
    "  last_valid_on = greatest(ledger_counters.last_valid_on, EXCLUDED.last_valid_on)"
    " RETURNING last_number - :count AS base, last_valid_on),"
    " entry AS ("
    " INSERT INTO ledger_entries (journal, fiscal_year, number, entry_date, piece_ref, piece_date,"
    "  label, valid_on, source_kind, source_id, posted_at)"
    " SELECT :journal, :fiscal_year, counter.base + e.rank, e.entry_date, e.piece_ref,"
    "  e.piece_date, e.label, counter.last_valid_on, e.source_kind, e.source_id, :posted_at"
    f" FROM counter, {_unnest(_ENTRY_COLUMNS, _ENTRY_TYPES)} WITH ORDINALITY"
    f"  AS e({', '.join(_ENTRY_COLUMNS.split())}, rank)"
    " RETURNING id, number, valid_on),"
    " lines AS ("
    " INSERT INTO ledger_lines (entry_id, position, account, account_label, aux_account,"
    "  aux_label, debit, credit, invoice_id)"
    " SELECT entry.id, l.position, l.account, l.account_label, l.aux_account, l.aux_label,"
    "  l.debit, l.credit, l.invoice_id"
    " FROM counter CROSS JOIN unnest(CAST(:line_ranks AS integer[]),"
    "  CAST(:positions AS integer[]), CAST(:accounts AS text[]),"
    "  CAST(:account_labels AS text[]), CAST(:aux_accounts AS text[]),"
    "  CAST(:aux_labels AS text[]), CAST(:debits AS numeric[]), CAST(:credits AS numeric[]),"
    "  CAST(:invoice_ids AS uuid[]))"
    "  AS l(rank, position, account, account_label, aux_account, aux_label, debit, credit,"
    "  invoice_id)"
    " JOIN entry ON entry.number = counter.base + l.rank)"
    " SELECT id, number, valid_on FROM entry ORDER BY number"
).bindparams(
    *_arrays("entry_date piece_date", _DATES),
    *_arrays(
        "piece_ref label source_kind source_id accounts account_labels aux_accounts aux_labels",
        _TEXTS,
    ),
    *_arrays("line_ranks positions", _INTEGERS),
    *_arrays("debits credits", _AMOUNTS),
    sa.bindparam("invoice_ids", type_=_UUIDS),
)

_CUSTOMER_COLUMNS = (
    "siren siret legal_name address_line postal_code city insee_code public_body email"
    " chorus_service_code chorus_commitment_number chorus_service_code_required"
    " chorus_commitment_required"
)
_CUSTOMER_TYPES = "text text text text text text text boolean text text text boolean boolean"

#: F1, F8: the customers as membership describes them now (one row per structure); a Chorus
#: Pro reference the event does not carry keeps the one known (finance may have recorded it).
UPSERT_CUSTOMERS = sa.text(
    "INSERT INTO customers (siren, siret, legal_name, address_line, postal_code, city,"
    " insee_code, public_body, email, chorus_service_code, chorus_commitment_number,"
    " chorus_service_code_required, chorus_commitment_required, updated_at)"
    f" SELECT c.*, CAST(:updated_at AS timestamptz)"
    f" FROM {_unnest(_CUSTOMER_COLUMNS, _CUSTOMER_TYPES)}"
    f" AS c({', '.join(_CUSTOMER_COLUMNS.split())})"
    " ORDER BY c.siren"  # the rows locked in one order, whoever writes them
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
).bindparams(
    *_arrays(
        "siren siret legal_name address_line postal_code city insee_code email"
        " chorus_service_code chorus_commitment_number",
        _TEXTS,
    ),
    *_arrays("public_body chorus_service_code_required chorus_commitment_required", _BOOLEANS),
)

_SOURCE_COLUMNS = (
    "document_id kind number invoice_id siren issued_on public_body awaiting_references source"
    " created_at"
)
_SOURCE_TYPES = "uuid text text uuid text date boolean boolean jsonb timestamptz"

#: F3: documents' frozen sources.
INSERT_SOURCES = sa.text(
    f"INSERT INTO document_sources ({', '.join(_SOURCE_COLUMNS.split())})"
    f" SELECT * FROM {_unnest(_SOURCE_COLUMNS, _SOURCE_TYPES)}"
).bindparams(
    *_arrays("document_id invoice_id", _UUIDS),
    *_arrays("kind number siren source", _TEXTS),
    *_arrays("issued_on", _DATES),
    *_arrays("public_body awaiting_references", _BOOLEANS),
    sa.bindparam("created_at", type_=_TIMESTAMPS),
)

#: B3: the auditorium dates of some structures not invoiced yet, locked.
WAITING_DATES = sa.text(
    "SELECT * FROM auditorium_bookings WHERE siren = ANY(CAST(:sirens AS text[]))"
    " AND invoice_id IS NULL AND amount IS NOT NULL ORDER BY booked_on, booking_id FOR UPDATE"
).bindparams(sa.bindparam("sirens", type_=_TEXTS))
