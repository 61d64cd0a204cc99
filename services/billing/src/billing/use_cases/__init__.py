"""Use cases: consumed events and finance commands -> domain rules -> unit of work.

They never commit: the consumer kit, or the edge's ``runtime.transaction()`` (routers, the
overdue scheduler and command), does, once, so that a change and its events (outbox rows)
commit together (X2). Dates and times come from ``uow.clock`` only.
"""
