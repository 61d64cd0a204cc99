"""The training unit of work: one transaction, its repositories and its outbox."""

from shared.unit_of_work import UnitOfWork


class TrainingUnitOfWork(UnitOfWork):
    """Its repositories come with the training rules."""
