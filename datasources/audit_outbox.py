"""A source's audit outbox: mutations' events stored with their change, then moved to the trail.

A source that applies a mutation inserts the mutation's audit event (`stage`) in the same
transaction as the change: both commit, or neither does, so a committed change always has
its event and an event that cannot be written rolls the change back.

`SqlAuditOutbox.drain` moves a batch into the trail (`AuditTrail.append_relayed`, which
appends each key once) and deletes it from the outbox only after the trail committed. On
PostgreSQL the batch is claimed with `SELECT ... FOR UPDATE SKIP LOCKED` in a transaction
held until the rows are deleted, so two hub processes relay different rows; on SQLite,
one writer at a time, the batch is read, appended and then deleted in its own transaction
(the trail may share the file, whose write lock must not be held across the append). A
relay that stops after the trail committed and before the delete leaves rows the next
round offers again: the trail knows their keys and appends nothing twice.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from datasources.audit import AuditEventDraft, AuditTrail, RelayedEvent
from datasources.audit_chain import check_drafts
from datasources.models import documents, fcr, notices, offsets
from datasources.read_connections import write_transaction

_OUTBOX_TABLES = {
    "fcr": fcr.AUDIT_OUTBOX,
    "offsets": offsets.AUDIT_OUTBOX,
    "documents": documents.AUDIT_OUTBOX,
    "notices": notices.AUDIT_OUTBOX,
}
"""The sources a mutation changes, each with its audit outbox."""
BATCH = 200
"""Events per relay transaction."""


def _spelled(draft: AuditEventDraft, now: datetime) -> str:
    fields: dict[str, Any] = asdict(draft)
    fields["at"] = (draft.at or now).astimezone(UTC).isoformat()
    return json.dumps(fields, sort_keys=True, separators=(",", ":"))


def _draft(event: str) -> AuditEventDraft:
    fields = json.loads(event)
    return AuditEventDraft(**{**fields, "at": datetime.fromisoformat(fields["at"])})


async def stage(conn: AsyncConnection, table: Table, drafts: Sequence[AuditEventDraft]) -> None:
    """Insert `drafts` into the outbox `table` within the caller's transaction.

    Drafts the trail would refuse are refused here, before the change commits.
    """
    if not drafts:
        return
    check_drafts(drafts)
    now = datetime.now(UTC)
    rows = [
        {"key": uuid.uuid4().hex, "event": _spelled(draft, now), "created_at": now}
        for draft in drafts
    ]
    await conn.execute(insert(table), rows)


class SqlAuditOutbox:
    """One source's audit outbox table, drained into the trail."""

    def __init__(self, engine: AsyncEngine, table: Table) -> None:
        self._engine = engine
        self._table = table
        self._sqlite = engine.dialect.name == "sqlite"

    async def pending(self) -> int:
        """How many events wait in the outbox."""
        async with self._engine.connect() as conn:
            return int(await conn.scalar(select(func.count()).select_from(self._table)) or 0)

    async def drain(self, trail: AuditTrail, *, limit: int = BATCH) -> int:
        """Move up to `limit` of the oldest events into `trail`; answer how many were moved."""
        columns = self._table.c
        claim = select(columns.id, columns.key, columns.event).order_by(columns.id).limit(limit)
        if self._sqlite:
            async with self._engine.connect() as conn:
                rows = (await conn.execute(claim)).all()
            if rows:
                await trail.append_relayed(_relayed(rows))
                async with write_transaction(self._engine) as conn:
                    await conn.execute(self._deleting(rows))
            return len(rows)
        async with write_transaction(self._engine) as conn:
            rows = (await conn.execute(claim.with_for_update(skip_locked=True))).all()
            if rows:
                await trail.append_relayed(_relayed(rows))
                await conn.execute(self._deleting(rows))
        return len(rows)

    def _deleting(self, rows: Sequence[Any]) -> Any:
        return delete(self._table).where(self._table.c.id.in_([row.id for row in rows]))


def build_audit_outboxes(engines: Mapping[str, AsyncEngine]) -> list[SqlAuditOutbox]:
    """The audit outbox of every source a mutation changes, on that source's engine."""
    return [SqlAuditOutbox(engines[source], table) for source, table in _OUTBOX_TABLES.items()]


def _relayed(rows: Sequence[Any]) -> list[RelayedEvent]:
    return [RelayedEvent(key=row.key, draft=_draft(row.event)) for row in rows]
