"""The booking unit of work: one transaction, its repositories, the member rights, its outbox."""

from booking.repository import (
    BookingRepository,
    CalendarRepository,
    FeedTokenRepository,
    PolicyRepository,
    QuotaRepository,
    ResourceRepository,
)
from shared.projections.member_rights import MemberRights
from shared.unit_of_work import UnitOfWork


class BookingUnitOfWork(UnitOfWork):
    resources: ResourceRepository
    calendar: CalendarRepository
    policies: PolicyRepository
    bookings: BookingRepository
    quotas: QuotaRepository
    members: MemberRights
    feed_tokens: FeedTokenRepository

    def _on_enter(self) -> None:
        self.resources = ResourceRepository(self.connection)
        self.calendar = CalendarRepository(self.connection)
        self.policies = PolicyRepository(self.connection)
        self.bookings = BookingRepository(self.connection)
        self.quotas = QuotaRepository(self.connection)
        self.members = MemberRights(self.connection)
        self.feed_tokens = FeedTokenRepository(self.connection)
