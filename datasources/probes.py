"""Cheap checks that a backend can serve: what `/readyz` asks of each database and of Redis.

Each probe returns normally when the backend serves and raises when it does not; the
caller bounds it with a timeout and reports only which probe failed, never the error's
text (a driver's message can name hosts, users and databases).

The audit probe writes nothing. Appending an event per probe would grow the chain by one
event every few seconds per replica, and taking the head's row lock would queue the probe
behind (and ahead of) the requests' own group commits. Instead it opens the transaction a
writer opens and checks what a writer needs: the chain head is there, the database accepts
writes (not a read-only replica or a read-only transaction after a failover) and the hub's
role may insert events and move the head. A commit that still fails past this (a full
disk) fails the requests it belongs to, which are refused, as the audit rules require.
"""

from __future__ import annotations

from redis.asyncio import Redis
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from datasources.models.audit import AuditBase, AuditEventRow, AuditHeadRow

_HEAD = AuditBase.metadata.tables[AuditHeadRow.__tablename__]
_HEAD_SEQ = select(_HEAD.c.seq).where(_HEAD.c.id == 1)
_PG_WRITABLE = text(
    "select not pg_is_in_recovery()"
    " and current_setting('transaction_read_only') = 'off'"
    " and has_table_privilege(:events, 'INSERT')"
    " and has_table_privilege(:head, 'UPDATE')"
)


class ProbeFailed(RuntimeError):
    """The backend answered, but not as a serving one would."""


async def probe_database(engine: AsyncEngine) -> None:
    """One `SELECT 1` on a pooled connection."""
    async with engine.connect() as conn:
        await conn.execute(text("select 1"))


async def probe_audit_writable(engine: AsyncEngine) -> None:
    """The audit database could take an append now; nothing is written or locked.

    Raises:
        ProbeFailed: the chain head is missing (not migrated) or the database refuses writes.
    """
    async with engine.connect() as conn, conn.begin():
        if await conn.scalar(_HEAD_SEQ) is None:
            raise ProbeFailed("the audit chain head is missing")
        if not await _accepts_writes(conn):
            raise ProbeFailed("the audit database does not accept writes")


async def _accepts_writes(conn: AsyncConnection) -> bool:
    if conn.dialect.name == "sqlite":
        return not await conn.scalar(text("pragma query_only"))
    tables = {"events": AuditEventRow.__tablename__, "head": AuditHeadRow.__tablename__}
    return bool(await conn.scalar(_PG_WRITABLE, tables))


async def probe_redis(client: Redis) -> None:
    """PING; redis-py raises when Redis does not answer PONG."""
    await client.ping()
