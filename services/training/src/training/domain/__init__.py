"""The training rules: pure Python, no I/O, no framework."""
