"""File formats billing reads and writes: bank statements (CFONB 120, CAMT.053, CSV exports),
Factur-X invoices, the Chorus Pro deposit, the FEC check, reminders and spreadsheet CSV.

Pure modules: bytes in, records or bytes out; no database, no web framework. Billing's use
cases map their records onto the small input dataclasses defined here.
"""
