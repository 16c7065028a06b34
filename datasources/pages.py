"""A page of a keyset-paginated list, as every source returns it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    """Ask for `first` items that sort after the item keyed `after` (None: from the start)."""

    first: int
    after: str | None = None
    count: bool = True
    """Count every match (`Page.total`); off when the client asked for no `totalCount`."""


@dataclass(frozen=True)
class Page(Generic[T]):
    """Items in key order, whether more follow, and how many match in all."""

    items: Sequence[T]
    keys: Sequence[str]
    has_next: bool
    total: int | None
    """None when the request asked for no count."""
