"""Assertions the suite shares: a check over every item of an answer checks at least one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def nonempty(items: Iterable[T], what: str = "the answer") -> list[T]:
    """`items` as a list, asserted to hold at least one item.

    A loop (`for edge in edges: assert ...`) or an `all(...)` over an empty page passes
    without checking anything; wrapping what it walks in `nonempty` makes an empty page
    fail instead, naming `what` was empty.
    """
    found = list(items)
    assert found, f"{what} is empty: a check over each of its items would check nothing"
    return found
