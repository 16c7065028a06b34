"""Money fits its NUMERIC(12, 2) columns; Date and DateTime refuse without repeating the value."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from resolvers.errors import BadUserInput
from schema.scalars import DATE_SCALAR, DATETIME_SCALAR, MONEY_SCALAR

REFUSED_MONEY = [
    "1E+400",
    "1e2",
    "Infinity",
    "-Infinity",
    "inf",
    "NaN",
    "sNaN",
    "-0",
    "-0.00",
    "12.345",
    "0.001",
    "99999999999",  # eleven integer digits
    "10000000000.00",
    "١٢٣",  # Arabic-Indic digits
    "１２３",  # fullwidth digits
    "²",
    "12.5\n",
    " 12.50",
    "",
    "1" * 5000,
    float("inf"),
    float("nan"),
    1e16,
    True,
    None,
    ["1.00"],
]


@pytest.mark.parametrize("value", REFUSED_MONEY, ids=repr)
def test_money_refuses_what_its_column_cannot_hold(value: object):
    with pytest.raises(BadUserInput) as refused:
        MONEY_SCALAR.parse_value(value)  # type: ignore[misc]
    assert str(value)[:20] not in refused.value.message or str(value) in ("", "None")


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        ("2500.00", Decimal("2500.00")),
        ("0", Decimal("0")),
        ("0.5", Decimal("0.5")),
        ("-12.50", Decimal("-12.50")),
        ("9999999999.99", Decimal("9999999999.99")),
        ("0009999999999.99", Decimal("9999999999.99")),
        (2500, Decimal("2500")),
        (2500.5, Decimal("2500.5")),
    ],
)
def test_money_accepts_plain_amounts(value: object, amount: Decimal):
    assert MONEY_SCALAR.parse_value(value) == amount  # type: ignore[misc]


@pytest.mark.parametrize(
    ("scalar", "value"),
    [
        (DATE_SCALAR, "900-12-3456"),
        (DATE_SCALAR, "2024-13-45"),
        (DATE_SCALAR, "２０２４-01-01"),
        (DATE_SCALAR, 20240101),
        (DATE_SCALAR, "2024-01-01" * 10),
        (DATETIME_SCALAR, "900-12-3456"),
        (DATETIME_SCALAR, "2024-01-01T25:00:00"),
        (DATETIME_SCALAR, "\x00"),
        (DATETIME_SCALAR, "9999-12-31T23:59:59-14:00"),
        (DATETIME_SCALAR, "0001-01-01T00:00:00+14:00"),
        (DATETIME_SCALAR, None),
    ],
)
def test_dates_refuse_without_repeating_the_value(scalar: object, value: object):
    with pytest.raises(BadUserInput) as refused:
        scalar.parse_value(value)  # type: ignore[attr-defined]
    assert "900-12-3456" not in refused.value.message
    assert refused.value.extensions == {"code": "BAD_USER_INPUT"}


def test_dates_parse_iso_8601():
    assert DATE_SCALAR.parse_value("2024-05-31") == date(2024, 5, 31)  # type: ignore[misc]
    parsed = DATETIME_SCALAR.parse_value("2024-05-31T12:00:00Z")  # type: ignore[misc]
    assert parsed == datetime(2024, 5, 31, 12, tzinfo=UTC)
