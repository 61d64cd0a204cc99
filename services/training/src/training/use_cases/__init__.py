"""The training use cases: commands and consumed events -> domain -> unit of work.

They never commit: the edge does (``runtime.transaction()``, or the consumer kit)."""
