"""Local projections of other services' facts, defined once for every service that keeps one."""
