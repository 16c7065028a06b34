"""Helpers of the audit trail tests: tables, drafts, and a wiped audit database."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from datasources.audit import AuditEventDraft
from datasources.audit_chain import GENESIS_HASH
from datasources.models.audit import AuditBase
from datasources.sql_audit import SqlAuditTrail

EVENTS = AuditBase.metadata.tables["audit_events"]
RELAYED = AuditBase.metadata.tables["audit_relayed"]
CHECKPOINTS = AuditBase.metadata.tables["audit_checkpoints"]
HEAD = AuditBase.metadata.tables["audit_head"]
DRAFT = AuditEventDraft(
    subject="worker-1",
    role="state_worker",
    jurisdiction="06",
    operation="ParticipantDetail",
    action="read",
    resource="Participant.ssn",
    record_id="17",
    purpose="case review",
    outcome="allowed",
)


def draft(**changes: Any) -> AuditEventDraft:
    return replace(DRAFT, **changes)


async def wipe(engine: AsyncEngine) -> None:
    """Back to genesis: no events, no checkpoints, nothing purged."""
    async with engine.begin() as conn:
        await conn.execute(delete(EVENTS))
        await conn.execute(delete(RELAYED))
        await conn.execute(delete(CHECKPOINTS))
        await conn.execute(update(HEAD).values(seq=0, hash=GENESIS_HASH, at=None, purged_through=0))


async def append_numbered(trail: SqlAuditTrail, count: int, **changes: Any) -> None:
    """One append of `count` events whose record ids are 1 to `count`."""
    await trail.append_many([draft(record_id=str(n), **changes) for n in range(1, count + 1)])


async def stored(engine: AsyncEngine, seq: int) -> dict[str, Any]:
    """Event `seq` as its row holds it."""
    async with engine.connect() as conn:
        row = (await conn.execute(select(EVENTS).where(EVENTS.c.seq == seq))).one()
    return row._asdict()
