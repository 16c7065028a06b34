"""Connections for reads: autocommit, one per engine per request, a dead one replaced once.

A read runs without a transaction (`isolation_level="AUTOCOMMIT"`): no BEGIN before its
statement, no ROLLBACK after it. PostgreSQL runs each statement in its own snapshot under
READ COMMITTED anyway, so a read sees nothing it would not have seen in a transaction of
its own. Writes keep their transactions (`write_transaction`: `engine.begin()`).

Inside a `read_scope()` (opened around each HTTP request by `transport.source_scope`),
every read of one engine shares one connection, checked out on the first read and given
back when the scope ends. An asyncpg connection runs one statement at a time, so the
reads of one engine queue on that connection's lock; reads of different engines still
run side by side. Outside a scope (the outbox relay, commands, WebSocket operations),
each read checks a connection out and gives it back.

No connection is pinged when it is checked out. A connection that died (the database
restarted, a backend was terminated) fails its first statement with a disconnect error;
SQLAlchemy then invalidates it and every connection pooled before it, and the read runs
once more on a fresh connection. Reads change nothing, so running one twice is safe. A
second failure is raised to the caller.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from sqlalchemy import Row
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.expression import Executable

from datasources.batch_statements import BATCH_KEYS

T = TypeVar("T")


class _Held:
    """One engine's connection within a scope, and the lock its reads queue on."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.connection: AsyncConnection | None = None


class ReadScope:
    """The read connections of one request: at most one per engine, opened on first use."""

    def __init__(self) -> None:
        self._held: dict[int, _Held] = {}
        self.closed = False
        self.checkouts = 0
        """How many connections this scope checked out (one per engine, plus replacements)."""

    @asynccontextmanager
    async def connection(self, engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
        """The scope's connection to `engine`, for this caller alone while the block runs."""
        held = self._held.setdefault(id(engine.sync_engine), _Held())
        async with held.lock:
            if held.connection is None:
                held.connection = await _autocommit(engine)
                self.checkouts += 1
            try:
                yield held.connection
            except DBAPIError as error:
                if error.connection_invalidated:  # dead: the next read needs another
                    await self._drop(held)
                raise
            except Exception:
                raise  # the statement ended, the connection is fine (a bad page key, ...)
            except BaseException:
                await self._drop(held)  # cancelled, perhaps mid-statement
                raise

    @staticmethod
    async def _drop(held: _Held) -> None:
        dead, held.connection = held.connection, None
        if dead is not None:
            await asyncio.shield(_discard(dead))

    async def release(self, engine: AsyncEngine | None = None) -> None:
        """Give back the connection to `engine` (None: every one); a later read takes another."""
        keys = list(self._held) if engine is None else [id(engine.sync_engine)]
        for key in keys:
            held = self._held.get(key)
            if held is None:
                continue
            async with held.lock:
                if held.connection is not None:
                    connection, held.connection = held.connection, None
                    await connection.close()

    async def close(self) -> None:
        """Give every connection back; a read started after this gets its own connection."""
        self.closed = True
        await self.release()


_current: ContextVar[ReadScope | None] = ContextVar("hub_read_scope", default=None)


@asynccontextmanager
async def read_scope() -> AsyncIterator[ReadScope]:
    """Share one read connection per engine among the reads of the block (and its tasks)."""
    scope = ReadScope()
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)
        # a request cancelled (its client gone) still gives its connections back
        await asyncio.shield(scope.close())


async def release_reads(engine: AsyncEngine | None = None) -> None:
    """Give back the current scope's read connection to `engine` (None: all of them).

    Called before a request waits on a pool for another connection: its writes
    (`write_transaction`) and its audit append. A request holding a read connection
    while it waits for a second one of the same pool would, with enough such requests
    at once, hold every connection of that pool and wait for ever (sources may share one
    database, and so one pool).
    """
    scope = _current.get()
    if scope is not None:
        await scope.release(engine)


@asynccontextmanager
async def write_transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """`engine.begin()`, once the request's read connection to `engine` is given back."""
    await release_reads(engine)
    async with engine.begin() as connection:
        yield connection


async def _discard(connection: AsyncConnection) -> None:
    """Close a connection that may be mid-statement: invalidated, never reset for reuse."""
    if not connection.invalidated:
        await connection.invalidate()
    await connection.close()


async def _autocommit(engine: AsyncEngine) -> AsyncConnection:
    connection = await engine.connect()
    try:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
    except BaseException:
        await connection.close()
        raise
    return connection


@asynccontextmanager
async def _connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    scope = _current.get()
    if scope is not None and not scope.closed:
        async with scope.connection(engine) as connection:
            yield connection
        return
    connection = await _autocommit(engine)
    ended = False  # the statement ended, with or without an error: the connection is fine
    try:
        yield connection
        ended = True
    except Exception:
        ended = True
        raise
    finally:
        # cancelled (a WebSocket client gone mid-read), perhaps mid-statement: the
        # connection is discarded, not reset into the pool; shielded either way, so a
        # second cancellation cannot leave the pool's close half done (and logged)
        await asyncio.shield(connection.close() if ended else _discard(connection))


async def _read_once(engine: AsyncEngine, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
    async with _connection(engine) as connection:
        return await work(connection)


async def read(engine: AsyncEngine, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
    """Run `work` on a read connection to `engine`; once more if that connection was dead."""
    try:
        return await _read_once(engine, work)
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
    return await _read_once(engine, work)


async def read_rows(
    engine: AsyncEngine, stmt: Executable, params: Mapping[str, Any] | None = None
) -> Sequence[Row[Any]]:
    """Every row `stmt` selects (with `params`), read as `read` reads."""

    async def rows(connection: AsyncConnection) -> Sequence[Row[Any]]:
        return (await connection.execute(stmt, params)).all()

    return await read(engine, rows)


async def read_batch(
    engine: AsyncEngine, stmt: Executable, keys: Sequence[Any]
) -> Sequence[Row[Any]]:
    """The rows of a batch statement (`datasources.batch_statements.keys_in`) for `keys`."""
    return await read_rows(engine, stmt, {BATCH_KEYS: list(keys)})
