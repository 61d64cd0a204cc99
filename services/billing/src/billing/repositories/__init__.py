"""Every query of the billing service, one module per feature, on the unit of work's connection."""
