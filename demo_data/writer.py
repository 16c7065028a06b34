"""Writing batches into the three databases: clear first, then bulk Core inserts per chunk."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import MetaData, Select, Table, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from datasources.models.fcr import FcrBase
from datasources.models.ndnh import NdnhBase
from datasources.models.offsets import OffsetsBase
from demo_data.rows import Batch, Row

ROWS_PER_STATEMENT = 10_000


def _tables(metadata: MetaData, *names: str) -> tuple[Table, ...]:
    return tuple(metadata.tables[name] for name in names)


# Each database's tables, parents before children (the order rows are inserted in).
DATABASES: dict[str, tuple[Table, ...]] = {
    "fcr": _tables(
        FcrBase.metadata,
        "participants",
        "cases",
        "case_participants",
        "participant_addresses",
        "misidentified_ssns",
    ),
    "ndnh": _tables(
        NdnhBase.metadata,
        "employers",
        "employer_addresses",
        "employer_contacts",
        "new_hires",
        "quarterly_wages",
    ),
    "offsets": _tables(OffsetsBase.metadata, "offset_certifications", "tax_refund_offsets"),
}


async def clear(engines: Mapping[str, AsyncEngine]) -> None:
    """Delete every seeded table's rows, children first, one transaction per database."""
    for key, tables in DATABASES.items():
        async with engines[key].begin() as conn:
            for table in reversed(tables):
                await conn.execute(delete(table))


async def write(engines: Mapping[str, AsyncEngine], batch: Batch) -> None:
    """Insert a batch: one transaction per database, one executemany per chunk of rows."""
    for key, tables in DATABASES.items():
        present = [table for table in tables if batch.rows.get(table.name)]
        if present:
            async with engines[key].begin() as conn:
                for table in present:
                    await _insert(conn, table, batch.rows[table.name])


async def _insert(conn: AsyncConnection, table: Table, rows: Sequence[Row]) -> None:
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        await conn.execute(insert(table), rows[start : start + ROWS_PER_STATEMENT])


async def reset_sequences(engines: Mapping[str, AsyncEngine]) -> None:
    """On PostgreSQL, move each id sequence past the explicit ids the seeder wrote."""
    for key, tables in DATABASES.items():
        if engines[key].dialect.name == "postgresql":
            async with engines[key].begin() as conn:
                for table in tables:
                    if "id" in table.c:
                        await conn.execute(_setval(table))


def _setval(table: Table) -> Select[Any]:
    next_id = select(func.coalesce(func.max(table.c.id), 0) + 1).scalar_subquery()
    sequence = func.pg_get_serial_sequence(table.name, "id")
    return select(func.setval(sequence, next_id, False))
