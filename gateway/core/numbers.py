"""Amounts as Dutch people write them: `45.000`, `45000`, `45.000,50`, `€ 1.234,56`.

One decision for every command that takes an amount: the text is read the Dutch way (dot groups
thousands, comma separates decimals) by Babel's strict parser for nl_NL. What a Dutch reader and an
English one would read differently and that is not valid Dutch (`45.5`, `45.50`, `1,234.56`) is refused
with both readings, never guessed; a decimal point that cannot be a thousands separator (`38500.00`) is
taken as one. A currency sign (`€`, `EUR`) and spaces are allowed around and in it.
"""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal

__all__ = ["AmountError", "format_dutch", "format_euros", "parse_dutch_amount"]

_CURRENCY = re.compile(r"^\s*(?:€|eur(?:o)?)\s*|\s*(?:€|eur(?:o)?)\s*$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


class AmountError(ValueError):
    """The text is not an amount, or could mean two different ones (`readings` then holds both)."""

    def __init__(self, message: str, readings: tuple[Decimal, ...] = ()) -> None:
        super().__init__(message)
        self.readings = readings


def _strict(text: str, locale: str) -> Decimal | None:
    try:
        return parse_decimal(text, locale=locale, strict=True)
    except NumberFormatError:
        return None


def _lenient(text: str, locale: str) -> Decimal | None:
    try:
        return parse_decimal(text, locale=locale)
    except NumberFormatError:
        return None


def parse_dutch_amount(text: str) -> Decimal:
    """The amount `text` stands for, read the Dutch way; `AmountError` when it is none or ambiguous."""
    bare = _SPACES.sub("", _CURRENCY.sub("", text.strip()))
    if not bare:
        raise AmountError("no amount given (write it like 45.000 or 1.234,56)")
    dutch = _strict(bare, "nl_NL")
    if dutch is not None:
        return dutch
    english = _strict(bare, "en_US")
    # Could the dot be a thousands separator put in the wrong place? Only when what comes before it could
    # start a thousands group (1-3 digits): `45.5` or `682.96` may be either; `38500.00` cannot be Dutch.
    head = bare.lstrip("+-").split(".", 1)[0]
    dutch_guess = _lenient(bare, "nl_NL") if "." in bare and 1 <= len(head) <= 3 else None
    if english is not None and dutch_guess is None and "," not in bare:
        return english  # a decimal point that cannot be anything else
    readings = tuple(dict.fromkeys(value for value in (english, dutch_guess) if value is not None))
    if len(readings) == 2:
        first, second = readings
        raise AmountError(
            f"{text.strip()!r} is ambiguous: {_plain(first)} (with a decimal point) or {_plain(second)} (with the "
            "dot grouping thousands, as in Dutch); write it the Dutch way, e.g. "
            f"{format_dutch(first)} or {format_dutch(second)}",
            readings,
        )
    raise AmountError(f"{text.strip()!r} is not an amount (write it like 45.000, 45000, 45.000,50 or € 1.234,56)")


def _plain(value: Decimal) -> str:
    return format(value, "f")


def format_dutch(value: Decimal) -> str:
    """`value` written the Dutch way (`45.000,5`), for messages that suggest how to write it."""
    whole, _, fraction = format(abs(value), "f").partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    sign = "-" if value < 0 else ""
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def format_euros(value: Decimal) -> str:
    """`€ 45.000,00`: how an understood amount is echoed back."""
    whole, _, cents = f"{abs(value):.2f}".partition(".")
    sign = "-" if value < 0 else ""
    return f"{sign}€ {int(whole):,}".replace(",", ".") + f",{cents}"
