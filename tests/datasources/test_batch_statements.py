"""Batch statements built once: one array parameter on PostgreSQL, an expanded IN elsewhere."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from datasources.batch_statements import keys_in
from datasources.engines import build_engine
from datasources.models.fcr import ParticipantRow
from datasources.read_connections import read_batch
from tests.conftest import Hub
from tests.datasources.wire_counts import wire_counts

_P = ParticipantRow.__table__.c
BY_ID = select(_P.id, _P.ssn).where(keys_in(_P.id)).order_by(_P.id)
BY_SSN = select(_P.id).where(keys_in(_P.ssn))


def test_postgresql_binds_the_keys_as_one_array_and_sqlite_expands_them() -> None:
    on_postgres = str(BY_ID.compile(dialect=postgresql.asyncpg.dialect()))  # type: ignore[no-untyped-call]
    on_sqlite = str(BY_ID.compile(dialect=sqlite.dialect()))

    assert "participants.id = ANY ($1::INTEGER[])" in on_postgres
    assert "participants.id IN (__[POSTCOMPILE_keys])" in on_sqlite


@pytest.fixture
async def fcr(hub: Hub) -> AsyncIterator[AsyncEngine]:
    engine = build_engine(hub.settings.database_urls["fcr"])
    yield engine
    await engine.dispose()


async def test_a_batch_statement_reads_any_number_of_keys(hub: Hub, fcr: AsyncEngine) -> None:
    batches = [[7], [3, 1, 2], list(range(1, 51))]

    with wire_counts({"fcr": fcr}) as wires:
        found = [await read_batch(fcr, BY_ID, keys) for keys in batches]
        first = (await read_batch(fcr, BY_ID, [1]))[0]
        by_ssn = await read_batch(fcr, BY_SSN, [first.ssn, "999-99-9999"])

    # then each batch has its rows
    assert [[row.id for row in rows] for rows in found] == [sorted(keys) for keys in batches]
    assert [row.id for row in by_ssn] == [1]
    # and on PostgreSQL every batch of one shape was one statement text, whatever its size
    if hub.backend == "postgres":
        assert len(set(wires["fcr"].statements[:4])) == 1
