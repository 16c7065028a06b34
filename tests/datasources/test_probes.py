"""What `/readyz` asks of the backends: one cheap round trip each, and the audit writable.

Real databases (SQLite and PostgreSQL) and a real Redis. The audit probe writes nothing;
it must fail for an audit database that is not migrated, read-only, or one whose role may
not append, each of which would fail every request's audit write.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import delete, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from datasources.engines import build_engine
from datasources.migrations import upgrade
from datasources.probes import ProbeFailed, probe_audit_writable, probe_database, probe_redis
from settings import SQL_SOURCES
from tests.conftest import Hub
from tests.datasources.audit_support import EVENTS, HEAD
from tests.services.postgres import _asyncpg_dsn, postgres_server_url
from tests.services.redis import redis_server_url
from tests.services.servers import free_port


@pytest.fixture
async def fresh_sqlite_audit(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated audit database of the test's own."""
    engine = build_engine(f"sqlite+aiosqlite:///{tmp_path / 'audit.db'}")
    await upgrade("audit", engine)
    yield engine
    await engine.dispose()


async def _events(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(EVENTS)) or 0)


async def test_each_source_database_answers(hub: Hub) -> None:
    answered = []
    for source, url in hub.settings.database_urls.items():
        engine = build_engine(url)
        try:
            await probe_database(engine)  # raises when the database does not answer
        finally:
            await engine.dispose()
        answered.append(source)
    assert answered == list(SQL_SOURCES)


async def test_a_database_that_is_not_there_fails() -> None:
    engine = build_engine(f"postgresql+asyncpg://hub@127.0.0.1:{free_port()}/hub")
    try:
        with pytest.raises(OSError, match="Connect call failed"):
            await probe_database(engine)
    finally:
        await engine.dispose()


async def test_a_migrated_audit_database_is_writable_and_nothing_is_written(
    audit_engine: AsyncEngine,
) -> None:
    before = await _events(audit_engine)
    await probe_audit_writable(audit_engine)
    assert await _events(audit_engine) == before


async def test_an_audit_database_without_its_chain_head_is_not_writable(
    fresh_sqlite_audit: AsyncEngine,
) -> None:
    async with fresh_sqlite_audit.begin() as conn:
        await conn.execute(delete(HEAD))
    with pytest.raises(ProbeFailed, match="head is missing"):
        await probe_audit_writable(fresh_sqlite_audit)


async def test_an_unmigrated_audit_database_is_not_writable(tmp_path: Path) -> None:
    engine = build_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    try:
        with pytest.raises(Exception, match="audit_head"):
            await probe_audit_writable(engine)
    finally:
        await engine.dispose()


async def test_a_query_only_sqlite_audit_database_is_not_writable(
    fresh_sqlite_audit: AsyncEngine, tmp_path: Path
) -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'audit.db'}")

    def query_only(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA query_only=1")
        cursor.close()

    event.listen(engine.sync_engine, "connect", query_only)
    try:
        with pytest.raises(ProbeFailed, match="does not accept writes"):
            await probe_audit_writable(engine)
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_a_read_only_postgres_audit_database_is_not_writable(postgres_hub: Hub) -> None:
    # as after a failover onto a replica, or a database set read-only
    engine = create_async_engine(
        postgres_hub.settings.database_urls["audit"],
        connect_args={"server_settings": {"default_transaction_read_only": "on"}},
    )
    try:
        with pytest.raises(ProbeFailed, match="does not accept writes"):
            await probe_audit_writable(engine)
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_a_postgres_role_that_may_not_append_is_not_writable(postgres_hub: Hub) -> None:
    url = postgres_hub.settings.database_urls["audit"]
    database = url.rsplit("/", 1)[1]
    role = f"hub_reader_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(_asyncpg_dsn(postgres_server_url(), database))
    try:
        await admin.execute(f'create role "{role}" login')
        await admin.execute(f'grant select on audit_head, audit_events to "{role}"')
        engine = create_async_engine(make_url(url).set(username=role, password=None))
        try:
            await probe_database(engine)  # it reaches the database
            with pytest.raises(ProbeFailed, match="does not accept writes"):
                await probe_audit_writable(engine)
        finally:
            await engine.dispose()
    finally:
        await admin.execute(f'drop owned by "{role}"')
        await admin.execute(f'drop role "{role}"')
        await admin.close()


async def test_redis_answers_pong() -> None:
    client = Redis.from_url(redis_server_url())
    try:
        await probe_redis(client)
    finally:
        await client.aclose()


async def test_an_unreachable_redis_fails() -> None:
    client = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=2)
    try:
        with pytest.raises(RedisConnectionError):
            await probe_redis(client)
    finally:
        await client.aclose()
