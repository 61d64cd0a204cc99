"""The booking use cases: commands and consumed events -> domain -> unit of work.

Use cases never commit: the router's ``runtime.transaction()`` or the consumer kit does.
"""
