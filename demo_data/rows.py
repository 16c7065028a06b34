"""Rows as plain dicts, gathered per table into batches that are inserted together."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

Row = dict[str, object]


class Batch:
    """Rows of several tables generated together; `participants` counts the people among them."""

    def __init__(self) -> None:
        self.rows: defaultdict[str, list[Row]] = defaultdict(list)
        self.participants = 0

    def add(self, table: str, rows: Iterable[Row]) -> None:
        self.rows[table].extend(rows)

    def counts(self) -> dict[str, int]:
        return {table: len(rows) for table, rows in self.rows.items()}
