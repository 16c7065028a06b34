"""Flushing the audit when the process stops: what callers left queued is committed first.

`GroupCommit.drain` on its own (no database), then `SqlAuditTrail.flush` on SQLite and
PostgreSQL with a caller that stopped waiting.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from datasources.audit import AuditTrailError
from datasources.audit_trails import DiscardingAuditTrail
from datasources.group_commit import GroupCommit
from datasources.sql_audit import SqlAuditTrail
from tests.datasources.audit_support import EVENTS, draft

WAIT_SECONDS = 30


class _HeldCommits:
    """Records each group; each commit waits for `release`; the failing ones raise."""

    def __init__(self, *, failing: frozenset[int] = frozenset()) -> None:
        self.groups: list[list[str]] = []
        self.release = asyncio.Event()
        self.started = asyncio.Event()
        self.failing = failing

    async def __call__(self, items: list[str]) -> None:
        self.groups.append(items)
        self.started.set()
        await self.release.wait()
        if len(self.groups) in self.failing:
            raise AuditTrailError("synthetic: the commit failed")


async def test_drain_returns_once_every_queued_group_is_committed() -> None:
    # given a commit running and two callers behind it, one of which stopped waiting
    commits = _HeldCommits()
    group: GroupCommit[str] = GroupCommit(commits)
    first = asyncio.create_task(group.submit(["a"]))
    async with asyncio.timeout(WAIT_SECONDS):
        await commits.started.wait()
    leaver = asyncio.create_task(group.submit(["b"]))
    stayer = asyncio.create_task(group.submit(["c"]))
    await asyncio.sleep(0)
    leaver.cancel()
    # when the process drains the queue
    drained = asyncio.create_task(group.drain())
    await asyncio.sleep(0)
    assert not drained.done()  # a commit is still running
    commits.release.set()
    async with asyncio.timeout(WAIT_SECONDS):
        await drained
    # then every group was committed, the leaver's items among them
    assert commits.groups == [["a"], ["b", "c"]]
    assert first.done()
    assert stayer.done()
    await asyncio.gather(first, stayer)


async def test_drain_of_an_idle_queue_commits_nothing() -> None:
    commits = _HeldCommits()
    commits.release.set()
    group: GroupCommit[str] = GroupCommit(commits)
    await group.drain()
    await group.submit(["a"])
    await group.drain()
    assert commits.groups == [["a"]]
    assert group.commits == 1


async def test_drain_survives_a_failed_group_and_commits_the_rest() -> None:
    # given the first commit fails while another caller is queued behind it
    commits = _HeldCommits(failing=frozenset({1}))
    group: GroupCommit[str] = GroupCommit(commits)
    first = asyncio.create_task(group.submit(["a"]))
    async with asyncio.timeout(WAIT_SECONDS):
        await commits.started.wait()
    second = asyncio.create_task(group.submit(["b"]))
    await asyncio.sleep(0)
    commits.release.set()
    await group.drain()
    # then the failure is its callers', and the queue behind it was committed
    results = await asyncio.gather(first, second, return_exceptions=True)
    assert isinstance(results[0], AuditTrailError)
    assert results[1] is None
    assert commits.groups == [["a"], ["b"]]


async def _count(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(EVENTS)) or 0)


async def test_flush_commits_the_events_of_a_caller_that_stopped_waiting(
    audit_engine: AsyncEngine,
) -> None:
    # given a caller that hands its events in and is cancelled before they are committed
    trail = SqlAuditTrail(audit_engine)
    caller = asyncio.create_task(trail.append_many([draft(record_id=str(n)) for n in range(3)]))
    for _ in range(3):
        await asyncio.sleep(0)
    caller.cancel()
    # when the trail is flushed
    await trail.flush()
    # then its events are stored all the same, and the chain still verifies
    assert await _count(audit_engine) == 3
    assert (await trail.verify()).ok


async def test_the_discarding_trail_flushes_the_stored_one(audit_engine: AsyncEngine) -> None:
    stored = SqlAuditTrail(audit_engine)
    trail = DiscardingAuditTrail(stored)
    await trail.append_many([draft()])
    await trail.flush()
    assert trail.discarded == 1
    assert await _count(audit_engine) == 0
