"""Scalars the contract names beyond GraphQL's own, and safe parsing of Date and DateTime.

A scalar that refuses a value says what it expected and never repeats the value:
the message reaches the client (and the log), and a value may be an SSN.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from operator import methodcaller
from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

from resolvers.errors import BadUserInput

Money = NewType("Money", Decimal)

# Money columns are NUMERIC(12, 2): ten digits before the point, two after
MONEY_INTEGER_DIGITS = 10
MONEY_DECIMALS = 2
MONEY_MAX = Decimal("9999999999.99")
_MONEY = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")
_MONEY_HINT = 'Money must be a decimal amount such as "2500.00"'
# the longest ISO 8601 date-time with fractions and offset is well under this
_MAX_TEMPORAL_CHARS = 40


def _parse_money(value: object) -> Decimal:
    """A plain decimal amount that fits the Money columns; nothing else.

    Refused: exponents (`1E+400`), `Infinity`, `NaN`, negative zero, more than two
    decimals, more than ten integer digits, non-ASCII digits, booleans.
    """
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadUserInput(_MONEY_HINT)
    text = value if isinstance(value, str) else repr(value)
    match = _MONEY.fullmatch(text) if len(text) <= 40 else None
    if match is None:
        raise BadUserInput(_MONEY_HINT)
    sign, whole, fraction = match.groups()
    if fraction is not None and len(fraction) > MONEY_DECIMALS:
        raise BadUserInput(f"Money has at most {MONEY_DECIMALS} decimals")
    if len(whole.lstrip("0")) > MONEY_INTEGER_DIGITS:
        raise BadUserInput(f"Money is at most {MONEY_MAX} in absolute value")
    amount = Decimal(text)
    if sign and amount.is_zero():
        raise BadUserInput("Money is not negative zero")
    return amount


MONEY_SCALAR: ScalarDefinition = strawberry.scalar(
    name="Money",
    description='A decimal amount in US dollars, as a string: "2500.00".',
    serialize=lambda amount: f"{Decimal(amount):.2f}",
    parse_value=_parse_money,
)


def _temporal_text(value: object, name: str) -> str:
    if not isinstance(value, str) or len(value) > _MAX_TEMPORAL_CHARS or not value.isascii():
        raise BadUserInput(f"{name} must be an ISO 8601 string")
    return value


def _parse_date(value: object) -> dt.date:
    text = _temporal_text(value, "Date")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise BadUserInput('Date must be an ISO 8601 date such as "2024-05-31"') from error


def _parse_datetime(value: object) -> dt.datetime:
    text = _temporal_text(value, "DateTime")
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError as error:
        message = 'DateTime must be an ISO 8601 date-time such as "2024-05-31T12:00:00Z"'
        raise BadUserInput(message) from error
    if parsed.tzinfo is not None:
        try:  # the sources compare times in UTC: a time that has none is out of range
            parsed.astimezone(dt.UTC)
        except OverflowError as error:
            raise BadUserInput("DateTime is out of range in UTC") from error
    return parsed


# the same names, descriptions and wire format as strawberry's own Date and DateTime
DATE_SCALAR = ScalarDefinition(
    name="Date",
    description="Date (isoformat)",
    specified_by_url=None,
    serialize=methodcaller("isoformat"),
    parse_value=_parse_date,
    parse_literal=None,
)
DATETIME_SCALAR = ScalarDefinition(
    name="DateTime",
    description="Date with time (isoformat)",
    specified_by_url=None,
    serialize=methodcaller("isoformat"),
    parse_value=_parse_datetime,
    parse_literal=None,
)

SCALAR_MAP: dict[object, ScalarDefinition] = {
    Money: MONEY_SCALAR,
    dt.date: DATE_SCALAR,
    dt.datetime: DATETIME_SCALAR,
}
