"""Events the training service consumes: membership's, folded into the member-rights
projection (T2 decides from it alone), and a lapse cancelling future places (T9)."""

from shared.contracts import MembershipLapsed
from shared.messaging.consumers import EventConsumers
from shared.projections.member_rights import register_member_rights
from training.unit_of_work import TrainingUnitOfWork
from training.use_cases.endings import on_membership_lapsed

consumers: EventConsumers[TrainingUnitOfWork] = EventConsumers("training")
register_member_rights(consumers, hooks={MembershipLapsed: on_membership_lapsed})
