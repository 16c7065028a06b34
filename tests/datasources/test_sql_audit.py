"""The hash-chained audit trail on SQLite and PostgreSQL: appends, pages, purge, the CLI."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from datasources.audit import AuditFilter, VerifyResult
from datasources.engines import build_engine
from datasources.pages import PageRequest
from datasources.sql_audit import SqlAuditTrail
from tests.conftest import Hub
from tests.datasources.audit_support import CHECKPOINTS, append_numbered, draft

HUB_COMMAND = Path(sys.executable).with_name("hub")


async def test_append_many_then_list_events_pages_in_seq_order(audit_trail: SqlAuditTrail) -> None:
    # given
    await append_numbered(audit_trail, 7)

    # when
    first = await audit_trail.list_events(AuditFilter(), PageRequest(first=3))
    last = await audit_trail.list_events(AuditFilter(), PageRequest(first=5, after=first.keys[-1]))

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


async def test_list_events_filters_by_subject_resource_and_since(
    audit_trail: SqlAuditTrail,
) -> None:
    # given
    old = datetime(2020, 1, 1, tzinfo=UTC)
    await audit_trail.append_many(
        [
            draft(subject="a", resource="Participant.ssn", at=old),
            draft(subject="b", resource="Participant.ssn"),
            draft(subject="a", resource="Document.downloadUrl"),
            draft(subject="a", resource="Participant.ssn"),
        ]
    )

    # when
    of_a = await audit_trail.list_events(AuditFilter(subject="a"), PageRequest(first=10))
    ssn_of_a = await audit_trail.list_events(
        AuditFilter(subject="a", resource="Participant.ssn"), PageRequest(first=10)
    )
    recent = await audit_trail.list_events(
        AuditFilter(since=datetime(2021, 1, 1, tzinfo=UTC)), PageRequest(first=10)
    )

    # then
    assert (of_a.keys, of_a.total) == (["1", "3", "4"], 3)
    assert ssn_of_a.keys == ["1", "4"]
    assert recent.keys == ["2", "3", "4"]
    assert of_a.items[0].at == old


async def test_append_many_from_concurrent_writers_leaves_a_gap_free_chain(
    audit_trail: SqlAuditTrail, hub: Hub
) -> None:
    # given: a second engine stands for a second hub process
    other_engine = build_engine(hub.settings.database_urls["audit"])
    writers = [audit_trail, SqlAuditTrail(other_engine)]

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
    page = await audit_trail.list_events(AuditFilter(), PageRequest(first=100))
    assert page.keys == [str(seq) for seq in range(1, 61)]
    by_task: dict[str, list[int]] = {}
    for event in page.items:
        by_task.setdefault(event.subject, []).append(event.seq)
    assert all(seqs == list(range(seqs[0], seqs[0] + 3)) for seqs in by_task.values())
    assert await audit_trail.verify() == VerifyResult(ok=True, checked=60)


async def test_append_many_writes_a_checkpoint_every_thousand_events(
    audit_engine: AsyncEngine, audit_trail: SqlAuditTrail
) -> None:
    # when
    await append_numbered(audit_trail, 1500)
    await append_numbered(audit_trail, 1000)

    # then
    async with audit_engine.connect() as conn:
        seqs = (await conn.scalars(select(CHECKPOINTS.c.seq).order_by(CHECKPOINTS.c.seq))).all()
    assert seqs == [1000, 2000]
    assert (await audit_trail.verify()).checked == 2500


async def test_append_many_refuses_an_unknown_outcome_and_writes_nothing(
    audit_trail: SqlAuditTrail,
) -> None:
    # when
    with pytest.raises(ValueError, match="outcome"):
        await audit_trail.append_many([draft(), draft(outcome="shown")])

    # then
    assert (await audit_trail.list_events(AuditFilter(), PageRequest(first=5))).total == 0


async def test_purge_of_events_older_than_the_cutoff_keeps_the_chain_verifying(
    audit_engine: AsyncEngine, audit_trail: SqlAuditTrail
) -> None:
    # given
    now = datetime.now(UTC)
    await append_numbered(audit_trail, 6, at=now - timedelta(days=8 * 366))
    await append_numbered(audit_trail, 4)

    # when
    purged = await audit_trail.purge(older_than=now - timedelta(days=7 * 366))
    await append_numbered(audit_trail, 2)

    # then
    assert purged == 6
    page = await audit_trail.list_events(AuditFilter(), PageRequest(first=20))
    assert page.keys == [str(seq) for seq in range(7, 13)]
    assert await audit_trail.verify() == VerifyResult(ok=True, checked=6)
    async with audit_engine.begin() as conn:
        await conn.execute(text("DELETE FROM audit_events WHERE seq = 7"))
    assert (await audit_trail.verify()).first_bad_seq == 7


async def test_purge_stops_at_the_first_event_younger_than_the_cutoff(
    audit_trail: SqlAuditTrail,
) -> None:
    # given: the third event is dated before the second
    cutoff = datetime(2020, 1, 1, tzinfo=UTC)
    old, young = cutoff - timedelta(days=1), cutoff + timedelta(days=1)
    await audit_trail.append_many([draft(at=old), draft(at=young), draft(at=old), draft()])

    # when
    purged = await audit_trail.purge(older_than=cutoff)

    # then
    assert purged == 1
    assert (await audit_trail.verify()).checked == 3


async def test_purge_of_every_event_leaves_a_chain_that_still_grows_and_verifies(
    audit_trail: SqlAuditTrail,
) -> None:
    # given
    await append_numbered(audit_trail, 3, at=datetime(2010, 1, 1, tzinfo=UTC))

    # when
    purged = await audit_trail.purge(older_than=datetime(2011, 1, 1, tzinfo=UTC))
    after_purge = await audit_trail.verify()
    await append_numbered(audit_trail, 2)

    # then
    assert purged == 3
    assert after_purge == VerifyResult(ok=True, checked=0)
    assert (await audit_trail.verify()).checked == 2
    assert (await audit_trail.list_events(AuditFilter(), PageRequest(first=5))).keys == ["4", "5"]


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
    audit_engine: AsyncEngine, audit_trail: SqlAuditTrail, hub: Hub, tmp_path: Path
) -> None:
    # given
    url = hub.settings.database_urls["audit"]
    await append_numbered(audit_trail, 5)

    # when
    intact = await run_hub("audit", "verify", audit_url=url, data_dir=tmp_path)
    async with audit_engine.begin() as conn:
        await conn.execute(text("UPDATE audit_events SET record_id = '99' WHERE seq = 2"))
    tampered = await run_hub("audit", "verify", audit_url=url, data_dir=tmp_path)

    # then
    assert intact == (
        0,
        "audit chain intact: 5 events checked\n"
        "no checkpoints are published (HUB_AUDIT_CHECKPOINT_SINK is empty)\n",
    )
    assert tampered[0] == 1
    assert "broken at seq 2: hash does not match" in tampered[1]


async def test_cli_audit_purge_deletes_old_events_and_refuses_on_a_broken_chain(
    audit_engine: AsyncEngine, audit_trail: SqlAuditTrail, hub: Hub, tmp_path: Path
) -> None:
    # given
    url = hub.settings.database_urls["audit"]
    await append_numbered(audit_trail, 3, at=datetime(2010, 1, 1, tzinfo=UTC))
    await append_numbered(audit_trail, 2)

    # when
    checkpointed = await run_hub("audit", "checkpoint", audit_url=url, data_dir=tmp_path)
    purged = await run_hub("audit", "purge", "--years", "7", audit_url=url, data_dir=tmp_path)
    async with audit_engine.begin() as conn:
        await conn.execute(text("DELETE FROM audit_events WHERE seq = 5"))
    refused = await run_hub("audit", "purge", audit_url=url, data_dir=tmp_path)

    # then
    assert checkpointed[0] == 0
    assert purged[0] == 0
    assert "purged 3 audit events" in purged[1]
    assert refused[0] == 1
    assert "refusing to purge" in refused[1]
