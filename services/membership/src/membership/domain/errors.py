"""Errors raised by the rules; the API turns them into problem documents."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused a command. ``rule`` is the id in rules.md (``M1``...), the problem's code."""

    status: int = 422

    def __init__(self, rule: str, detail: str, *, status: int | None = None) -> None:
        super().__init__(detail)
        self.rule = rule
        self.detail = detail
        if status is not None:
            self.status = status


class ConflictError(DomainError):
    """The command clashes with what exists (a duplicate, a state that no longer allows it)."""

    status = 409


class NotFoundError(Exception):
    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"No {what.lower()} {key}.")
        self.what = what
        self.key = key
