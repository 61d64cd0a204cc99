"""The participants' pseudonymous references: what partners get instead of an e-mail address."""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "p-"


def normalised_email(email: str) -> str:
    """T2 identifies a person by normalised e-mail: trimmed, lower case."""
    return email.strip().lower()


def pseudonym(key: bytes, email: str) -> str:
    """A stable reference of the person with ``email``: ``p-`` and 32 hex digits of the
    HMAC-SHA256 of the normalised address under ``key``. The same person always gets the same
    reference (under one key); without the key, no one can tell whose it is, nor test a guess."""
    digest = hmac.new(key, normalised_email(email).encode(), hashlib.sha256).hexdigest()
    return PREFIX + digest[:32]
