"""The one error vocabulary of every service: what domain code and use cases raise.

Nothing below a router raises an HTTP exception. The shared app factory maps each of these once
to an RFC 9457 problem document (:mod:`shared.problems`): the class gives the HTTP status, and
``code`` the problem's stable code (a rule id of rules.md such as ``T3``, else ``not_found``,
``conflict``, ``validation``). ``extra`` adds members to the problem document (a waiting-list
position, the counts a quota found...), so that a client can act on the refusal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

#: The members every problem document has: an extra member of one of these names would
#: replace it (a ``status`` extra turning the document's HTTP status into a word...).
PROBLEM_MEMBERS = frozenset(
    {"type", "title", "status", "detail", "code", "correlation_id", "instance"}
)


def extra_members(extra: Mapping[str, Any] | None) -> dict[str, Any]:
    """``extra`` as a problem document's additional members; a reserved name is a bug."""
    members = dict(extra or {})
    clashing = sorted(PROBLEM_MEMBERS & members.keys())
    if clashing:
        raise TypeError(
            f"{', '.join(clashing)}: a member of every problem document; name it otherwise"
        )
    return members


class DomainError(Exception):
    """Base of every error a client may cause; ``status`` is the HTTP status it maps to."""

    status: ClassVar[int] = 422
    default_code: ClassVar[str] = "validation"
    title: ClassVar[str] = "Request refused"

    def __init__(
        self, detail: str, *, code: str | None = None, extra: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.default_code
        self.extra: dict[str, Any] = extra_members(extra)


class RuleViolated(DomainError):
    """A business rule refused the command; ``rule`` is its id in rules.md (``M5``, ``F2``...)."""

    title = "Rule not satisfied"

    def __init__(self, rule: str, detail: str, **extra: Any) -> None:
        super().__init__(detail, code=rule, extra=extra)

    @property
    def rule(self) -> str:
        return self.code


class Conflict(RuleViolated):
    """The command clashes with what exists: a duplicate, a state that no longer allows it, a
    concurrent change. ``rule`` is the rule it would break, else ``conflict``."""

    status = 409
    title = "Conflict with the current state"

    def __init__(self, detail: str, *, rule: str = "conflict", **extra: Any) -> None:
        super().__init__(rule, detail, **extra)


class NotFound(DomainError):
    """No such thing, or one the caller may not see (a member never learns another structure's
    data exists: X3 answers 404 too)."""

    status = 404
    default_code = "not_found"
    title = "Not found"

    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"No {what.lower()} {key}.", extra={"resource": what})
        self.what = what
        self.key = key


class InvalidInput(DomainError):
    """Input of the right shape whose content is unusable (a file that cannot be parsed...)."""

    default_code = "validation"
    title = "Invalid request"

    def __init__(self, detail: str, *, code: str = "validation", **extra: Any) -> None:
        super().__init__(detail, code=code, extra=extra)


class TooLarge(InvalidInput):
    """A body over the endpoint's size limit (code ``too_large`` unless a rule sets it)."""

    status = 413
    default_code = "too_large"
    title = "Request too large"

    def __init__(self, detail: str, *, code: str = "too_large", **extra: Any) -> None:
        super().__init__(detail, code=code, **extra)
