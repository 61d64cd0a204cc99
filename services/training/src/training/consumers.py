"""Events the training service consumes: thin subscribers calling the handlers."""

from shared.messaging.consumers import EventConsumers
from training.unit_of_work import TrainingUnitOfWork

consumers: EventConsumers[TrainingUnitOfWork] = EventConsumers("training")
