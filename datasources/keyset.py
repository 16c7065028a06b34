"""Keyset pagination and key-aligned grouping for the SQL adapters."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import BigInteger, Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from datasources.pages import Page, PageRequest

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

INTEGER_MAX = 2**31 - 1  # the largest id an INTEGER primary key holds
BIGINT_MAX = 2**63 - 1
_ASCII_DIGITS = frozenset("0123456789")


class BadPageKey(ValueError):
    """A page key that no item of this list could have."""


def int_key(text: str, maximum: int = INTEGER_MAX) -> int | None:
    """The integer `text` spells in ASCII digits, when a key column can hold it; else None.

    Only ASCII digits count: `str.isdigit()` accepts "²" (which `int` refuses) and `int`
    accepts Arabic-Indic and fullwidth digits, neither of which the hub ever writes.
    """
    if not text or len(text) > len(str(maximum)) or not _ASCII_DIGITS.issuperset(text):
        return None
    value = int(text)
    return value if value <= maximum else None


def parse_int_key(key: str | None, maximum: int = BIGINT_MAX) -> int | None:
    """Turn a page key back into the integer id it was made from.

    Raises:
        BadPageKey: If the key is not ASCII digits, or beyond what the key column holds.
    """
    if key is None:
        return None
    value = int_key(key, maximum)
    if value is None:
        raise BadPageKey("not an item key of this list")
    return value


async def fetch_page(
    conn: AsyncConnection,
    stmt: Select[Any],
    id_column: ColumnElement[int],
    page: PageRequest,
    build: Callable[[Row[Any]], T],
) -> Page[T]:
    """Run `stmt` (already filtered) as one page after `page.after`, plus its count if asked.

    The count reads every match (19 ms over 250,000 cases): a page that asks for no
    `totalCount` does not pay for it.
    """
    maximum = BIGINT_MAX if isinstance(id_column.type, BigInteger) else INTEGER_MAX
    after = parse_int_key(page.after, maximum)
    total = None
    if page.count:
        counted = select(func.count()).select_from(stmt.order_by(None).subquery())
        total = int(await conn.scalar(counted) or 0)
    paged = stmt.order_by(id_column).limit(page.first + 1)
    if after is not None:
        paged = paged.where(id_column > after)
    rows = (await conn.execute(paged)).all()
    items = [build(row) for row in rows[: page.first]]
    keys = [str(row.id) for row in rows[: page.first]]
    return Page(items=items, keys=keys, has_next=len(rows) > page.first, total=total)


def align_one(keys: Sequence[K], items: Iterable[T], key_of: Callable[[T], K]) -> list[T | None]:
    """Items aligned with `keys`; None where no item has that key."""
    found = {key_of(item): item for item in items}
    return [found.get(key) for key in keys]


def align_many(keys: Sequence[K], items: Iterable[T], key_of: Callable[[T], K]) -> list[list[T]]:
    """Lists of items aligned with `keys`, keeping the order the items came in."""
    grouped: defaultdict[K, list[T]] = defaultdict(list)
    for item in items:
        grouped[key_of(item)].append(item)
    return [grouped.get(key, []) for key in keys]
