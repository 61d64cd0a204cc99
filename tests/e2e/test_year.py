"""A year of the agency end to end (M4–M8, T2–T10, B2–B9, F1–F6): the four services as
processes on the real PostgreSQL and RabbitMQ, driven over HTTP only, the platform clock moved
from January to the lapse of 16 February of the next year (``DEV_CLOCK_FILE``).

Twelve structures apply; the board rejects one; eleven are invoiced, nine pay in January (by
hand, by cheque, from a CFONB statement, one unmatched then allocated, one overpaid), one in two
parts, one never. Their employees pre-register under T2–T10 (a waiting list, two per structure,
the deadline, one session per action, the yearly limit, withdrawals in time and late, a session
cancelled, attendance); premium members book rooms and the auditorium (one cancelled and
credited). One upgrades. In December the campaign calls ten members; eight renew, four pay at
once; places and bookings of January are taken in the grace. On 1 January two lapse, one renews
late and is reinstated; one renewal is withdrawn, its member lapsing at once (its place and its
bookings cancelled, its auditorium date credited); on 16 February the unpaid renewal lapses.
Then every service's view of every structure agrees, and billing's reconciliation too.
"""

from __future__ import annotations

import pytest

from tests.e2e.agency import NEXT, YEAR
from tests.e2e.conftest import YearRun
from tests.e2e.snapshot import disagreements

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]
LAPSE_DAY = f"{NEXT}-02-16"


def test_m4_t2_b2_f6_after_a_year_every_service_agrees_on_every_structure(
    fault_free_year: YearRun,
) -> None:
    state = fault_free_year.snapshot
    assert disagreements(state) == []
    reconciliation = state["billing"]["reconciliation"]
    assert reconciliation["mismatches"] == []
    assert reconciliation["consistent"] is True
    assert fault_free_year.dead_letters == {}


def test_m4_m5_m6_the_year_ends_with_the_statuses_the_rules_give(fault_free_year: YearRun) -> None:
    membership = fault_free_year.snapshot["membership"]
    on_lapse_day = {
        label: view["rights"][LAPSE_DAY] for label, view in membership.items() if label != "calls"
    }
    assert on_lapse_day == {
        "s01": ("active", "premium"),
        "s02": ("active", "simple"),  # renewed simple, paid in the grace
        "s03": ("lapsed", None),  # renewed, never paid: lapsed on the 16th
        "s04": ("active", "simple"),  # lapsed on 1 January, renewed late, paid
        "s05": ("lapsed", None),  # not renewed
        "s06": ("active", "premium"),
        "s07": ("active", "simple"),
        "s08": ("lapsed", None),  # renewal withdrawn
        "s09": ("none", None),  # rejected by the board
        "s10": ("none", None),  # approved, never paid
        "s11": ("active", "premium"),
        "s12": ("active", "simple"),
    }
    lapses = {
        label: (m[7], m[8])
        for label, view in membership.items()
        if label != "calls"
        for m in view["memberships"]
        if m[0] == YEAR and m[3] == "lapsed"
    }
    assert lapses == {
        "s03": (LAPSE_DAY, "renewal_unpaid"),
        "s05": (f"{NEXT}-01-01", "not_renewed"),
        "s08": (f"{NEXT}-01-05", "withdrawn"),
    }
    assert membership["calls"] == ["s01", "s02", "s03", "s04", "s05", "s06", "s07", "s08",
                                   "s11", "s12"]  # fmt: skip


def test_t3_t7_t8_t9_b3_b9_f2_what_each_service_kept_of_the_year(fault_free_year: YearRun) -> None:
    training = fault_free_year.snapshot["training"]
    # T3: counted actions and trainings; T7: a late withdrawal and an unjustified absence
    # count, a withdrawal in time and a justified absence do not; T8, T9: cancelled, not counted
    assert {k: v for k, v in training["years"].items() if k.endswith(str(YEAR))} | {
        "s08-a/2032": training["years"]["s08-a/2032"]
    } == {
        "s01-a/2031": (3, 2),
        "s01-b/2031": (1, 1),
        "s01-c/2031": (1, 1),
        "s02-a/2031": (0, 0),
        "s03-a/2031": (1, 0),
        "s05-a/2031": (0, 0),
        "s06-a/2031": (1, 1),
        "s07-a/2031": (1, 0),
        "s11-a/2031": (0, 0),
        "s12-a/2031": (0, 0),
        "s08-a/2032": (0, 0),
    }
    assert [e[:3] + e[5:6] for e in training["enrollments"]["s08"]] == [
        ("S7", "s08-a", "cancelled", "membership_lapsed")
    ]
    assert ("S7", "s06-a", "confirmed", True, "present", None, None, None, False) in training[
        "enrollments"
    ]["s06"]  # promoted from the waiting list when s08's place was freed
    booking = fault_free_year.snapshot["booking"]
    assert [b[4:7] for b in booking["bookings"]["s08"]] == [
        ("cancelled", "membership_lapsed", True)
    ] * 2
    billing = fault_free_year.snapshot["billing"]
    # F2: gap-free series, per year of issue (the December renewals are numbered in 2031)
    assert billing["invoice_numbers"] == [f"FA-{YEAR}-{n:05d}" for n in range(1, 24)] + [
        f"FA-{NEXT}-00001"
    ]
    assert billing["credit_note_numbers"] == [
        f"AV-{YEAR}-00001",
        f"AV-{NEXT}-00001",
        f"AV-{NEXT}-00002",
    ]
    assert billing["credit_notes"] == [  # B3 twice (a cancellation, a lapse), one withdrawal
        ("s08", "150.00", True, f"{NEXT}-01-05"),
        ("s08", "250.00", True, f"{NEXT}-01-05"),
        ("s11", "250.00", True, f"{YEAR}-02-03"),
    ]
    assert billing["reminders"] == {
        f"s10/membership_new/{YEAR}": [
            (1, "reminder", f"{YEAR}-03-05", "100.00"),
            (3, "formal_notice", f"{YEAR}-06-03", "100.00"),
        ],
        f"s03/membership_renewal/{NEXT}": [(3, "formal_notice", LAPSE_DAY, "100.00")],
    }
    totals = billing["reconciliation"]["totals"]
    assert (totals["issued"], totals["credited"], totals["paid"], totals["overpaid"]) == (
        "3250.00",
        "650.00",
        "2410.00",
        "10.00",
    )
