"""Explicit row ids: each table numbers its rows 1..n in generation order."""

from __future__ import annotations

from collections import Counter


class Ids:
    """Hands out the next id of each table."""

    def __init__(self) -> None:
        self._last: Counter[str] = Counter()

    def next(self, table: str) -> int:
        self._last[table] += 1
        return self._last[table]
