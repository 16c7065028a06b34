"""The audit outbox on SQLite and PostgreSQL: staged with a change, relayed once, never lost."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from datasources.audit import AuditFilter, RelayedEvent
from datasources.audit_outbox import SqlAuditOutbox, stage
from datasources.audit_relay import AuditRelay
from datasources.engines import build_engine
from datasources.models import fcr
from datasources.models.offsets import AUDIT_OUTBOX
from datasources.pages import PageRequest
from datasources.sql_audit import SqlAuditTrail
from datasources.sql_fcr import SqlFcrSource
from tests.conftest import Hub
from tests.datasources.audit_support import RELAYED, draft


@dataclass
class Databases:
    offsets: AsyncEngine
    audit: AsyncEngine


@pytest.fixture
async def databases(fresh_hub: Hub) -> AsyncIterator[Databases]:
    urls = fresh_hub.settings.database_urls
    built = Databases(build_engine(urls["offsets"]), build_engine(urls["audit"]))
    yield built
    await built.offsets.dispose()
    await built.audit.dispose()


async def _stage(engine: AsyncEngine, subject: str, count: int, *, start: int = 0) -> None:
    drafts = [
        draft(subject=subject, action="write", outcome="written", record_id=str(n))
        for n in range(start, start + count)
    ]
    async with engine.begin() as conn:
        await stage(conn, AUDIT_OUTBOX, drafts)


async def _record_ids(trail: SqlAuditTrail, subject: str) -> list[str | None]:
    page = await trail.list_events(AuditFilter(subject=subject), PageRequest(first=1000))
    return [event.record_id for event in page.items]


async def test_staged_events_reach_the_trail_in_order_and_leave_the_outbox(
    databases: Databases,
):
    # given three events staged in one transaction of the offsets database
    subject = f"outbox-{uuid.uuid4().hex[:8]}"
    await _stage(databases.offsets, subject, 3)
    outbox = SqlAuditOutbox(databases.offsets, AUDIT_OUTBOX)
    trail = SqlAuditTrail(databases.audit)
    assert await outbox.pending() == 3
    # when the outbox is drained
    moved = await outbox.drain(trail)
    # then the trail holds them in order, its chain verifies, and the outbox is empty
    assert moved == 3
    assert await _record_ids(trail, subject) == ["0", "1", "2"]
    assert (await trail.verify()).ok
    assert await outbox.pending() == 0
    assert await outbox.drain(trail) == 0


async def test_an_event_offered_again_is_appended_once(databases: Databases):
    # given staged events that a relay appended, stopping before it deleted them
    subject = f"again-{uuid.uuid4().hex[:8]}"
    await _stage(databases.offsets, subject, 2)
    async with databases.offsets.connect() as conn:
        rows = (await conn.execute(select(AUDIT_OUTBOX))).all()
    trail = SqlAuditTrail(databases.audit)
    offered = [
        RelayedEvent(key=row.key, draft=draft(subject=subject, record_id=str(n)))
        for n, row in enumerate(rows)
    ]
    assert await trail.append_relayed(offered) == 2
    # when they are offered again, and the outbox drained
    assert await trail.append_relayed(offered) == 0
    outbox = SqlAuditOutbox(databases.offsets, AUDIT_OUTBOX)
    assert await outbox.drain(trail) == 2
    # then each is in the trail once, and the outbox is empty
    assert await _record_ids(trail, subject) == ["0", "1"]
    assert await outbox.pending() == 0
    assert (await trail.verify()).ok


async def test_two_relays_move_every_event_exactly_once(fresh_hub: Hub, databases: Databases):
    # given two hub processes' relays (their own engines, outboxes and trails)
    urls = fresh_hub.settings.database_urls
    engines = [build_engine(urls[source]) for source in ("offsets", "audit", "offsets", "audit")]
    relays = [
        AuditRelay([SqlAuditOutbox(engines[0], AUDIT_OUTBOX)], SqlAuditTrail(engines[1])),
        AuditRelay([SqlAuditOutbox(engines[2], AUDIT_OUTBOX)], SqlAuditTrail(engines[3])),
    ]
    subject = f"race-{uuid.uuid4().hex[:8]}"
    try:
        # when mutations keep staging events while both relays drain at the same time
        async def staging() -> None:
            for batch in range(20):
                await _stage(databases.offsets, subject, 15, start=batch * 15)
                await asyncio.sleep(0)

        async def relaying(relay: AuditRelay) -> None:
            for _ in range(30):
                await relay.drain()
                await asyncio.sleep(0)

        await asyncio.gather(staging(), relaying(relays[0]), relaying(relays[1]))
        await relays[0].drain()
    finally:
        for engine in engines:
            await engine.dispose()
    # then the trail holds each of the 300 events once, and verifies (two relays may
    # commit their batches in either order: the events' own times say when they happened)
    trail = SqlAuditTrail(databases.audit)
    record_ids = await _record_ids(trail, subject)
    assert sorted(record_ids, key=lambda n: int(n or 0)) == [str(n) for n in range(300)]
    assert (await trail.verify()).ok
    async with databases.audit.connect() as conn:
        relayed = await conn.scalar(select(func.count()).select_from(RELAYED))
        distinct = await conn.scalar(select(func.count(func.distinct(RELAYED.c.seq))))
    assert relayed == distinct
    assert await SqlAuditOutbox(databases.offsets, AUDIT_OUTBOX).pending() == 0


async def test_a_relay_that_cannot_reach_the_trail_keeps_the_events(databases: Databases):
    # given staged events, and a trail whose events table is gone for a moment
    subject = f"down-{uuid.uuid4().hex[:8]}"
    await _stage(databases.offsets, subject, 2)
    outbox = SqlAuditOutbox(databases.offsets, AUDIT_OUTBOX)
    trail = SqlAuditTrail(databases.audit)
    relay = AuditRelay([outbox], trail)
    async with databases.audit.begin() as conn:
        await conn.execute(text("ALTER TABLE audit_relayed RENAME TO audit_relayed_away"))
    try:
        # when the relay drains as a process starts
        await relay.drain_within(5.0)
        # then nothing was lost: the events wait in the outbox
        assert await outbox.pending() == 2
    finally:
        async with databases.audit.begin() as conn:
            await conn.execute(text("ALTER TABLE audit_relayed_away RENAME TO audit_relayed"))
    # and the next round moves them
    assert await relay.flush(within=5.0)
    assert await _record_ids(trail, subject) == ["0", "1"]


async def test_nothing_changed_is_nothing_staged(fresh_hub: Hub, databases: Databases):
    # given the fcr database, and a report that is not there (withdrawn meanwhile)
    engine = build_engine(fresh_hub.settings.database_urls["fcr"])
    outbox = SqlAuditOutbox(engine, fcr.AUDIT_OUTBOX)
    try:
        before = await outbox.pending()
        event = draft(action="write", outcome="written")
        # when it is withdrawn, and when a mutation stages no event at all
        removed = await SqlFcrSource(engine).remove_misidentified_ssn(987_654_321, event=event)
        async with databases.offsets.begin() as conn:
            await stage(conn, AUDIT_OUTBOX, [])
        # then nothing was removed, and no event waits for a change that did not happen
        assert removed is False
        assert await outbox.pending() == before
    finally:
        await engine.dispose()
