"""The membership rules: pure Python, no I/O, no framework."""
