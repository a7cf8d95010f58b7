"""Money: integer paise inside, two-place decimal strings at the API, Indian grouping on paper."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from babel.numbers import format_currency, format_decimal
from pydantic import Field, WithJsonSchema
from sqlalchemy import ColumnElement, String, case, cast, func, literal

from milkrun.errors import InvalidInput

PAISE_PER_RUPEE = 100


class InvalidAmount(InvalidInput):
    """Not an amount of money (two decimal places at most), or not one allowed here."""

    code = "invalid_amount"


def to_paise(value: str | Decimal | int) -> int:
    """Parse rupees ("42.50", Decimal, or whole rupees as int) into paise; at most two places."""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise InvalidAmount(f"{value!r} is not an amount of money") from exc
    if not amount.is_finite():
        raise InvalidAmount(f"{value!r} is not an amount of money")
    paise = amount * PAISE_PER_RUPEE
    if paise != paise.to_integral_value():
        raise InvalidAmount(f"{value} has more than two decimal places")
    return int(paise)


def to_rupees(paise: int) -> str:
    """Paise as the API's decimal string: 4250 -> "42.50"."""
    return str((Decimal(paise) / PAISE_PER_RUPEE).quantize(Decimal("0.01")))


def rupees_in_sql(paise: Any) -> ColumnElement[str]:
    """``to_rupees`` in SQL (the same text on SQLite and PostgreSQL), for writing many
    messages in one INSERT ... SELECT; a test pins that the two agree."""
    whole = func.abs(paise)
    sign = case((paise < 0, "-"), else_="")
    rupees = cast(whole.op("/")(PAISE_PER_RUPEE), String)  # integer division on both
    cents = func.substr(cast(whole % PAISE_PER_RUPEE + PAISE_PER_RUPEE, String), 2)
    return sign + rupees + literal(".") + cents


# Indian digit grouping in every language: Babel's Kannada (kn_IN) would group by thousands.
INR_PATTERN = "¤#,##,##0.00"
QUANTITY_PATTERN = "#,##,##0.###"


def format_inr(paise: int, locale: str = "en_IN") -> str:
    """Paise for a person: 12345600 -> "₹1,23,456.00" (Indian digit grouping), in the words
    and digits of Babel's ``locale`` (hi_IN, kn_IN: the pages' languages)."""
    amount = Decimal(paise) / PAISE_PER_RUPEE
    return str(format_currency(amount, "INR", format=INR_PATTERN, locale=locale))


def format_quantity(value: Decimal | int, locale: str = "en_IN") -> str:
    return str(format_decimal(value, format=QUANTITY_PATTERN, locale=locale))


def percent_of(paise: int, basis_points: int) -> int:
    """``basis_points`` hundredths of a percent of ``paise``, rounded half up to a paisa."""
    exact = Decimal(paise) * basis_points / Decimal(10_000)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# An amount of money as a request field: "42.50" or 42.5, at most two places, never negative,
# below ₹1,00,00,000 so that it fits a 32-bit paise column (PostgreSQL INTEGER).
Rupees = Annotated[
    Decimal,
    Field(ge=0, max_digits=9, decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 9999999.99},
                {"type": "string", "pattern": r"^[0-9]{1,7}(\.[0-9]{1,2})?$"},
            ],
            "examples": ["42.50"],
        }
    ),
]
