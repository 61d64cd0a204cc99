"""The public event contract: the envelope, every event of the catalogue, and its registry.

Other regional platforms consume these events: a published model changes only deliberately
(see the JSON Schema snapshots under ``shared/tests/contracts/snapshots``).
"""

from shared.contracts.base import Event, Money
from shared.contracts.billing import (
    CreditNoteIssued,
    InvoiceIssued,
    InvoiceOverdue,
    InvoicePaid,
    InvoiceReminderSent,
    PaymentRecorded,
)
from shared.contracts.booking import (
    AuditoriumBooked,
    BookingCancelled,
    RoomBooked,
    StudioSlotBooked,
)
from shared.contracts.envelope import Envelope
from shared.contracts.membership import (
    BeneficiaryAdded,
    BeneficiaryRemoved,
    CustomerDetails,
    MembershipActivated,
    MembershipApplicationSubmitted,
    MembershipApproved,
    MembershipLapsed,
    MembershipReinstated,
    MembershipRejected,
    MembershipRenewalRequested,
    PlanUpgradeRequested,
    QualiopiCertificationChanged,
)
from shared.contracts.registry import REGISTRY, EventSpec, UnknownEventError
from shared.contracts.training import (
    AttendanceRecorded,
    EnrollmentCancelled,
    EnrollmentConfirmed,
    EnrollmentPromoted,
    EnrollmentRequested,
    EnrollmentWaitlisted,
    SessionCancelled,
    SessionScheduled,
)

__all__ = [
    "REGISTRY",
    "AttendanceRecorded",
    "AuditoriumBooked",
    "BeneficiaryAdded",
    "BeneficiaryRemoved",
    "BookingCancelled",
    "CreditNoteIssued",
    "CustomerDetails",
    "EnrollmentCancelled",
    "EnrollmentConfirmed",
    "EnrollmentPromoted",
    "EnrollmentRequested",
    "EnrollmentWaitlisted",
    "Envelope",
    "Event",
    "EventSpec",
    "InvoiceIssued",
    "InvoiceOverdue",
    "InvoicePaid",
    "InvoiceReminderSent",
    "MembershipActivated",
    "MembershipApplicationSubmitted",
    "MembershipApproved",
    "MembershipLapsed",
    "MembershipReinstated",
    "MembershipRejected",
    "MembershipRenewalRequested",
    "Money",
    "PaymentRecorded",
    "PlanUpgradeRequested",
    "QualiopiCertificationChanged",
    "RoomBooked",
    "SessionCancelled",
    "SessionScheduled",
    "StudioSlotBooked",
    "UnknownEventError",
]
