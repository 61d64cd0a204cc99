"""The billing unit of work: one transaction, its repositories, its outbox and the clock."""

from billing.repositories.auditorium import AuditoriumRepository
from billing.repositories.documents import DocumentRepository
from billing.repositories.idempotency import IdempotencyRepository
from billing.repositories.invoices import InvoiceRepository
from billing.repositories.ledger import LedgerRepository
from billing.repositories.payments import PaymentRepository
from billing.repositories.projections import ProjectionRepository
from billing.repositories.reminders import ReminderRepository
from billing.settings import BillingSettings
from shared.clock import Clock
from shared.held_connections import HoldingEngine
from shared.unit_of_work import UnitOfWork


class BillingUnitOfWork(UnitOfWork):
    invoices: InvoiceRepository
    payments: PaymentRepository
    projections: ProjectionRepository
    documents: DocumentRepository
    ledger: LedgerRepository
    idempotency: IdempotencyRepository
    reminders: ReminderRepository
    auditorium: AuditoriumRepository

    def __init__(
        self,
        engine: HoldingEngine,
        settings: BillingSettings,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(engine, clock)
        self.settings = settings

    def _on_enter(self) -> None:
        self.invoices = InvoiceRepository(self.connection)
        self.payments = PaymentRepository(self.connection)
        self.projections = ProjectionRepository(self.connection)
        self.documents = DocumentRepository(self.connection)
        self.ledger = LedgerRepository(self.connection)
        self.idempotency = IdempotencyRepository(self.connection)
        self.reminders = ReminderRepository(self.connection)
        self.auditorium = AuditoriumRepository(self.connection)
