"""The hash-chained audit trail on SQLite and PostgreSQL: appends, pages, tampering, purge."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from datasources.audit import AuditEventDraft, AuditFilter, VerifyResult
from datasources.audit_chain import GENESIS_HASH, event_hash
from datasources.engines import build_engine
from datasources.models.audit import AuditBase
from datasources.pages import PageRequest
from datasources.sql_audit import SqlAuditTrail
from tests.conftest import Hub

EVENTS = AuditBase.metadata.tables["audit_events"]
CHECKPOINTS = AuditBase.metadata.tables["audit_checkpoints"]
HEAD = AuditBase.metadata.tables["audit_head"]
HUB_COMMAND = Path(sys.executable).with_name("hub")
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
    async with engine.begin() as conn:
        await conn.execute(delete(EVENTS))
        await conn.execute(delete(CHECKPOINTS))
        await conn.execute(update(HEAD).values(seq=0, hash=GENESIS_HASH, at=None, purged_through=0))


@pytest.fixture
async def engine(hub: Hub) -> AsyncIterator[AsyncEngine]:
    """The session hub's audit database, emptied before and after each test."""
    engine = build_engine(hub.settings.database_urls["audit"])
    await wipe(engine)
    yield engine
    await wipe(engine)
    await engine.dispose()


@pytest.fixture
def trail(engine: AsyncEngine) -> SqlAuditTrail:
    # small chunks, so that every verify crosses chunk boundaries
    return SqlAuditTrail(engine, verify_chunk=4)


async def append_numbered(trail: SqlAuditTrail, count: int, **changes: Any) -> None:
    await trail.append_many([draft(record_id=str(n), **changes) for n in range(1, count + 1)])


async def stored(engine: AsyncEngine, seq: int) -> dict[str, Any]:
    async with engine.connect() as conn:
        row = (await conn.execute(select(EVENTS).where(EVENTS.c.seq == seq))).one()
    return row._asdict()


async def test_append_many_then_list_events_pages_in_seq_order(trail: SqlAuditTrail) -> None:
    # given
    await append_numbered(trail, 7)

    # when
    first = await trail.list_events(AuditFilter(), PageRequest(first=3))
    last = await trail.list_events(AuditFilter(), PageRequest(first=5, after=first.keys[-1]))

    # then
    assert first.keys == ["1", "2", "3"]
    assert first.has_next
    assert first.total == 7
    assert [event.record_id for event in first.items] == ["1", "2", "3"]
    assert last.keys == ["4", "5", "6", "7"]
    assert not last.has_next
    event = first.items[1]
    assert event.prev_hash == first.items[0].hash
    assert event.at.tzinfo is not None
    assert (event.subject, event.purpose, event.outcome) == ("worker-1", "case review", "allowed")


async def test_list_events_filters_by_subject_resource_and_since(trail: SqlAuditTrail) -> None:
    # given
    old = datetime(2020, 1, 1, tzinfo=UTC)
    await trail.append_many(
        [
            draft(subject="a", resource="Participant.ssn", at=old),
            draft(subject="b", resource="Participant.ssn"),
            draft(subject="a", resource="Document.downloadUrl"),
            draft(subject="a", resource="Participant.ssn"),
        ]
    )

    # when
    of_a = await trail.list_events(AuditFilter(subject="a"), PageRequest(first=10))
    ssn_of_a = await trail.list_events(
        AuditFilter(subject="a", resource="Participant.ssn"), PageRequest(first=10)
    )
    recent = await trail.list_events(
        AuditFilter(since=datetime(2021, 1, 1, tzinfo=UTC)), PageRequest(first=10)
    )

    # then
    assert (of_a.keys, of_a.total) == (["1", "3", "4"], 3)
    assert ssn_of_a.keys == ["1", "4"]
    assert recent.keys == ["2", "3", "4"]
    assert of_a.items[0].at == old


async def test_append_many_from_concurrent_writers_leaves_a_gap_free_chain(
    engine: AsyncEngine, trail: SqlAuditTrail, hub: Hub
) -> None:
    # given: a second engine stands for a second hub process
    other_engine = build_engine(hub.settings.database_urls["audit"])
    writers = [trail, SqlAuditTrail(other_engine)]

    # when
    try:
        await asyncio.gather(
            *(
                writers[task % 2].append_many(
                    [draft(subject=f"task-{task}", record_id=str(n)) for n in range(3)]
                )
                for task in range(20)
            )
        )
    finally:
        await other_engine.dispose()

    # then
    page = await trail.list_events(AuditFilter(), PageRequest(first=100))
    assert page.keys == [str(seq) for seq in range(1, 61)]
    by_task: dict[str, list[int]] = {}
    for event in page.items:
        by_task.setdefault(event.subject, []).append(event.seq)
    assert all(seqs == list(range(seqs[0], seqs[0] + 3)) for seqs in by_task.values())
    assert await trail.verify() == VerifyResult(ok=True, checked=60)


async def test_append_many_writes_a_checkpoint_every_thousand_events(
    engine: AsyncEngine, trail: SqlAuditTrail
) -> None:
    # when
    await append_numbered(trail, 1500)
    await append_numbered(trail, 1000)

    # then
    async with engine.connect() as conn:
        seqs = (await conn.scalars(select(CHECKPOINTS.c.seq).order_by(CHECKPOINTS.c.seq))).all()
    assert seqs == [1000, 2000]
    assert (await trail.verify()).checked == 2500


async def test_append_many_refuses_an_unknown_outcome_and_writes_nothing(
    trail: SqlAuditTrail,
) -> None:
    # when
    with pytest.raises(ValueError, match="outcome"):
        await trail.append_many([draft(), draft(outcome="shown")])

    # then
    assert (await trail.list_events(AuditFilter(), PageRequest(first=5))).total == 0


async def test_verify_after_changing_one_byte_names_that_event(
    engine: AsyncEngine, trail: SqlAuditTrail
) -> None:
    # given
    await append_numbered(trail, 10)
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE audit_events SET resource = 'Participant.ssm' WHERE seq = 6")
        )

    # when
    result = await trail.verify()

    # then
    assert result == VerifyResult(False, 5, 6, "hash does not match the event's contents")


@pytest.mark.parametrize("removed", [1, 4, 10])
async def test_verify_after_deleting_an_event_names_it(
    engine: AsyncEngine, trail: SqlAuditTrail, removed: int
) -> None:
    # given
    await append_numbered(trail, 10)
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM audit_events WHERE seq = :seq"), {"seq": removed})

    # when
    result = await trail.verify()

    # then
    assert result == VerifyResult(False, removed - 1, removed, f"event {removed} is missing")


async def test_verify_after_inserting_a_forged_event_names_it(
    engine: AsyncEngine, trail: SqlAuditTrail
) -> None:
    # given: a forged eleventh event whose hash chains correctly onto the tenth
    await append_numbered(trail, 10)
    tenth = await stored(engine, 10)
    forged = {**tenth, "seq": 11, "record_id": "forged", "prev_hash": tenth["hash"]}
    forged["hash"] = event_hash(tenth["hash"], forged)
    async with engine.begin() as conn:
        await conn.execute(insert(EVENTS), [forged])

    # when
    result = await trail.verify()

    # then
    assert result == VerifyResult(False, 10, 11, "event 11 lies beyond the chain head")


async def test_verify_after_swapping_two_events_names_the_first(
    engine: AsyncEngine, trail: SqlAuditTrail
) -> None:
    # given
    await append_numbered(trail, 10)
    third, seventh = await stored(engine, 3), await stored(engine, 7)
    async with engine.begin() as conn:
        for seq, contents in ((3, seventh), (7, third)):
            values = {name: value for name, value in contents.items() if name != "seq"}
            await conn.execute(update(EVENTS).where(EVENTS.c.seq == seq).values(values))

    # when
    result = await trail.verify()

    # then
    assert result == VerifyResult(False, 2, 3, "prev_hash differs from the previous event's hash")


async def test_verify_after_rehashing_the_rest_of_the_chain_names_the_checkpoint(
    engine: AsyncEngine, trail: SqlAuditTrail
) -> None:
    # given: event 3 altered and every later hash and the head recomputed to match
    await append_numbered(trail, 5)
    await trail.checkpoint()
    await append_numbered(trail, 5)
    prev_hash = (await stored(engine, 2))["hash"]
    async with engine.begin() as conn:
        for seq in range(3, 11):
            event = {**await stored(engine, seq), "prev_hash": prev_hash}
            if seq == 3:
                event["purpose"] = "curiosity"
            event["hash"] = prev_hash = event_hash(prev_hash, event)
            await conn.execute(update(EVENTS).where(EVENTS.c.seq == seq).values(event))
        await conn.execute(update(HEAD).values(hash=prev_hash))

    # when
    result = await trail.verify()

    # then
    assert result == VerifyResult(False, 4, 5, "hash differs from its checkpoint")


async def test_purge_of_events_older_than_the_cutoff_keeps_the_chain_verifying(
    engine: AsyncEngine, trail: SqlAuditTrail
) -> None:
    # given
    now = datetime.now(UTC)
    await append_numbered(trail, 6, at=now - timedelta(days=8 * 366))
    await append_numbered(trail, 4)

    # when
    purged = await trail.purge(older_than=now - timedelta(days=7 * 366))
    await append_numbered(trail, 2)

    # then
    assert purged == 6
    page = await trail.list_events(AuditFilter(), PageRequest(first=20))
    assert page.keys == [str(seq) for seq in range(7, 13)]
    assert await trail.verify() == VerifyResult(ok=True, checked=6)
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM audit_events WHERE seq = 7"))
    assert (await trail.verify()).first_bad_seq == 7


async def test_purge_stops_at_the_first_event_younger_than_the_cutoff(
    trail: SqlAuditTrail,
) -> None:
    # given: the third event is dated before the second
    cutoff = datetime(2020, 1, 1, tzinfo=UTC)
    old, young = cutoff - timedelta(days=1), cutoff + timedelta(days=1)
    await trail.append_many([draft(at=old), draft(at=young), draft(at=old), draft()])

    # when
    purged = await trail.purge(older_than=cutoff)

    # then
    assert purged == 1
    assert (await trail.verify()).checked == 3


async def test_purge_of_every_event_leaves_a_chain_that_still_grows_and_verifies(
    trail: SqlAuditTrail,
) -> None:
    # given
    await append_numbered(trail, 3, at=datetime(2010, 1, 1, tzinfo=UTC))

    # when
    purged = await trail.purge(older_than=datetime(2011, 1, 1, tzinfo=UTC))
    after_purge = await trail.verify()
    await append_numbered(trail, 2)

    # then
    assert purged == 3
    assert after_purge == VerifyResult(ok=True, checked=0)
    assert (await trail.verify()).checked == 2
    assert (await trail.list_events(AuditFilter(), PageRequest(first=5))).keys == ["4", "5"]


async def run_hub(*args: str, audit_url: str, data_dir: Path) -> tuple[int, str]:
    env = {**os.environ, "HUB_AUDIT_DATABASE_URL": audit_url, "HUB_ENV": "development"}
    env["HUB_DATA_DIR"] = str(data_dir)
    process = await asyncio.create_subprocess_exec(
        str(HUB_COMMAND),
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, output.decode()


async def test_cli_audit_verify_exits_0_when_intact_and_1_after_tampering(
    engine: AsyncEngine, trail: SqlAuditTrail, hub: Hub, tmp_path: Path
) -> None:
    # given
    url = hub.settings.database_urls["audit"]
    await append_numbered(trail, 5)

    # when
    intact = await run_hub("audit", "verify", audit_url=url, data_dir=tmp_path)
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE audit_events SET record_id = '99' WHERE seq = 2"))
    tampered = await run_hub("audit", "verify", audit_url=url, data_dir=tmp_path)

    # then
    assert intact == (0, "audit chain intact: 5 events checked\n")
    assert tampered[0] == 1
    assert "broken at seq 2: hash does not match" in tampered[1]
