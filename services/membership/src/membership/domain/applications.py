"""Applying for a year: new membership or renewal (M5, M6), and the years one may apply for."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from shared.errors import Conflict, RuleViolated

#: A "real text, not a word" (M5, decision): at least this many characters and words.
MIN_TEXT_CHARS = 30
MIN_TEXT_WORDS = 5
MIN_REASON_CHARS = 10


class Kind(StrEnum):
    NEW = "new"
    RENEWAL = "renewal"


class ApplicationStatus(StrEnum):
    PENDING_REVIEW = "pending_review"  # new: waits for the board
    APPROVED = "approved"  # new: approved, dues invoiced
    PROCESSED = "processed"  # renewal: processed at once, dues invoiced
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # its dues invoice was cancelled unpaid


@dataclass(frozen=True)
class Texts:
    structure: str | None
    activity: str | None
    motivations: str | None


def check_texts(texts: Texts) -> None:
    """M5: the three descriptions are each a real text."""
    problems = []
    for name in ("structure", "activity", "motivations"):
        value = (getattr(texts, name) or "").strip()
        if len(value) < MIN_TEXT_CHARS or len(value.split()) < MIN_TEXT_WORDS:
            problems.append(name)
    if problems:
        raise RuleViolated(
            "M5",
            "A new membership needs a detailed description of the structure, its activity and "
            f"its motivations (each at least {MIN_TEXT_CHARS} characters and {MIN_TEXT_WORDS} "
            f"words); missing or too short: {', '.join(problems)}.",
        )


def check_reason(reason: str) -> str:
    value = reason.strip()
    if len(value) < MIN_REASON_CHARS:
        raise RuleViolated("M5", f"A rejection says why (at least {MIN_REASON_CHARS} characters).")
    return value


def kind_for(year: int, paid_years: Collection[int]) -> Kind:
    """M6: a member of the year before renews without review; anyone else applies anew."""
    return Kind.RENEWAL if year - 1 in paid_years else Kind.NEW


def check_application_year(year: int, today: date, campaign_years: Collection[int]) -> None:
    """One applies for the current year, or for the next once its renewal campaign is open."""
    if year == today.year:
        return
    if year == today.year + 1 and year in campaign_years:
        return
    if year == today.year + 1:
        raise RuleViolated(
            "M8",
            f"Applications for {year} open with the renewal campaign for {year}, "
            "which has not started yet.",
        )
    raise RuleViolated("M3", f"One applies for the current year ({today.year}), not for {year}.")


def check_no_duplicate(year: int, existing: Collection[ApplicationStatus]) -> None:
    """M3: one membership per structure and year (a rejected application may be made again).

    A withdrawn one blocks the year too: billing issues exactly one dues invoice per year.
    """
    blocking = [s for s in existing if s is not ApplicationStatus.REJECTED]
    if blocking:
        raise Conflict(
            f"This structure already has an application for {year} ({blocking[0].value}).",
            rule="M3",
        )


def check_decidable(status: ApplicationStatus, kind: Kind) -> None:
    if kind is not Kind.NEW:
        raise Conflict("A renewal is processed without a board decision.", rule="M6")
    if status is not ApplicationStatus.PENDING_REVIEW:
        raise Conflict(f"This application was already decided ({status.value}).", rule="M5")


def renewal_changes(previous_plan: str | None, previous_premium: bool, plan: str) -> list[str]:
    """What the board reads in the renewal summary (M6): the changes against the year before."""
    before = "premium" if previous_premium else previous_plan
    if before is None:
        return ["no membership the year before"]
    if before != plan:
        return [f"plan {before} → {plan}"]
    return []
