"""Cap Métiers billing service: Customers, invoices, credit notes, payments, reconciliation and accounting exports."""
