"""Keyset pagination and key-aligned grouping for the SQL adapters."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from datasources.pages import Page, PageRequest

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


class BadPageKey(ValueError):
    """A page key that no item of this list could have."""


def parse_int_key(key: str | None) -> int | None:
    """Turn a page key back into the integer id it was made from."""
    if key is None:
        return None
    if not key.isdigit() or len(key) > 18:
        raise BadPageKey("not an item key of this list")
    return int(key)


async def fetch_page(
    conn: AsyncConnection,
    stmt: Select[Any],
    id_column: ColumnElement[int],
    page: PageRequest,
    build: Callable[[Any], T],
) -> Page[T]:
    """Run `stmt` (already filtered) as one page after `page.after`, plus its count."""
    after = parse_int_key(page.after)
    total = await conn.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    paged = stmt.order_by(id_column).limit(page.first + 1)
    if after is not None:
        paged = paged.where(id_column > after)
    rows = (await conn.execute(paged)).all()
    items = [build(row) for row in rows[: page.first]]
    keys = [str(row.id) for row in rows[: page.first]]
    return Page(items=items, keys=keys, has_next=len(rows) > page.first, total=int(total or 0))


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
