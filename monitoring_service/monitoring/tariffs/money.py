"""Money as exact decimals: ISO 4217 currencies and the decimal strings of the API and exports."""

from __future__ import annotations

from decimal import Decimal

import pycountry

from ems_common.exceptions import InvalidField


def checked_currency(code: str) -> str:
    """``code`` if it is an ISO 4217 currency code (upper case), else InvalidField("currency")."""
    if len(code) != 3 or not code.isupper() or pycountry.currencies.get(alpha_3=code) is None:
        raise InvalidField("currency", f"{code[:20]!r} is not an ISO 4217 currency code.")
    return code


def decimal_text(value: Decimal) -> str:
    """The exact decimal, without exponent or needless trailing zeros: "1.2345", "0", "100"."""
    if value == 0:
        return "0"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
