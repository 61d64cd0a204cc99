"""The use cases of the membership service, one module per feature: a command or a consumed
event, the rules of :mod:`membership.domain`, one unit of work.

A use case never commits: the edge that opened the unit of work does (an API route, the
scheduler, an operator command, the consumer kit), so that a change and the events it causes
commit together (the outbox). Dates come from ``uow.clock``; events name their aggregate at the
version the database gave it (:func:`membership.use_cases.common.aggregate`).
"""
