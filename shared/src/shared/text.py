"""Text a client sends, held to what PostgreSQL can store."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator


def without_nul(value: str) -> str:
    """``value`` unchanged; a NUL character is refused (PostgreSQL text cannot hold it)."""
    if "\x00" in value:
        raise ValueError("text may not contain NUL characters")
    return value


#: Free text from a client, checked at the edge so that it never fails at the database (a 422,
#: not a 500). Add length or pattern constraints beside it.
ClientText = Annotated[str, AfterValidator(without_nul)]
