"""Scalars the contract names beyond GraphQL's own (Date and DateTime are strawberry's)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

from resolvers.errors import BadUserInput

Money = NewType("Money", Decimal)


def _parse_money(value: object) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation as error:
        raise BadUserInput('Money must be a decimal amount such as "2500.00"') from error
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or not isinstance(exponent, int) or exponent < -2:
        raise BadUserInput("Money must be a finite amount with at most two decimals")
    return amount


MONEY_SCALAR: ScalarDefinition = strawberry.scalar(
    name="Money",
    description='A decimal amount in US dollars, as a string: "2500.00".',
    serialize=lambda amount: f"{Decimal(amount):.2f}",
    parse_value=_parse_money,
)

SCALAR_MAP: dict[object, ScalarDefinition] = {Money: MONEY_SCALAR}
