"""Database engines for the SQL sources, from their URLs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.engine.url import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry


def _on_sqlite_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def build_engine(url: str) -> AsyncEngine:
    """Create an async engine; SQLite files get their folder, WAL and foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", _on_sqlite_connect)
        return engine
    # no ping per checkout: a dead connection fails its read once, which then runs again on
    # a fresh one (datasources/read_connections.py); the failure invalidates the whole pool
    return create_async_engine(url, pool_size=10, max_overflow=10)


def build_engines(urls: Mapping[str, str]) -> dict[str, AsyncEngine]:
    """One engine per source; sources configured with the same URL share one."""
    by_url: dict[str, AsyncEngine] = {}
    for url in urls.values():
        if url not in by_url:
            by_url[url] = build_engine(url)
    return {source: by_url[url] for source, url in urls.items()}


async def dispose_engines(engines: Mapping[str, AsyncEngine]) -> None:
    """Close every engine once, even when sources share one."""
    for engine in {id(e): e for e in engines.values()}.values():
        await engine.dispose()
