"""Money: ``Decimal`` euros rounded to the cent, half up; never a binary float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from shared.errors import InvalidInput

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: The largest amount the books hold (``NUMERIC(12, 2)``).
MAX_AMOUNT = Decimal("9999999999.99")


class InvalidAmountError(InvalidInput, ValueError):
    """A text or number that is not an amount of euros (a 422 ``validation`` if it reaches a
    client; the parsers of this package also catch it as a ``ValueError``)."""


def money(value: Decimal | int | str) -> Decimal:
    """``value`` rounded to the cent (half up). Floats are refused: they are not exact."""
    if isinstance(value, float):  # pragma: no cover - guarded by the type hints too
        raise InvalidAmountError("amounts are never floats")
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError):
        raise InvalidAmountError(f"{value!r} is not an amount") from None
    # copy_abs, not abs(): abs() rounds to the context and overflows on an exponent like 1e999999999
    if not amount.is_finite() or amount.copy_abs() > MAX_AMOUNT:
        raise InvalidAmountError(f"{value!r} is not an amount we keep")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def is_cents(value: Decimal) -> bool:
    """A finite amount with at most two decimals, within what the books hold."""
    return value.is_finite() and value.copy_abs() <= MAX_AMOUNT and money(value) == value


def parse_amount(text: str) -> Decimal:
    """An amount as banks and people write it: ``1 234,56``, ``1234.56``, ``-12,5``."""
    cleaned = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    cleaned = cleaned.replace("€", "").replace("EUR", "")
    if "," in cleaned and "." in cleaned:
        # the last separator is the decimal one; the other groups thousands
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    else:
        cleaned = cleaned.replace(",", ".")
    if not cleaned:
        raise InvalidAmountError("empty amount")
    return money(cleaned)


def format_fr(amount: Decimal) -> str:
    """``1234.5`` -> ``1234,50`` (comma decimal, no thousands separator: the FEC form)."""
    return f"{money(amount):.2f}".replace(".", ",")


def format_eur(amount: Decimal) -> str:
    """``1234.5`` -> ``1 234,50 €`` for documents people read."""
    whole, _, cents = f"{money(amount):.2f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups: list[str] = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return f"{sign}{' '.join(groups) or '0'},{cents} €"
