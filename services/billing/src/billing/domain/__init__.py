"""The billing rules: pure Python, no I/O, no framework."""
