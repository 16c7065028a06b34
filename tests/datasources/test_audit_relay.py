"""The audit relay's rounds: woken by a mutation, waited for, retried while the trail fails."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from datasources.audit import AuditTrail, RelayedEvent
from datasources.audit_relay import AuditRelay
from datasources.audit_trails import DiscardingAuditTrail
from datasources.sql_audit import SqlAuditTrail
from tests.datasources.audit_support import draft


class _Outbox:
    """An outbox of `waiting` events; fails `failures` times first; may hold a round."""

    def __init__(self, waiting: int = 0, *, failures: int = 0) -> None:
        self.waiting = waiting
        self.failures = failures
        self.moved = 0
        self.drains = 0
        self.hold: asyncio.Event | None = None
        self.held = asyncio.Event()

    async def drain(self, trail: AuditTrail, *, limit: int = 2) -> int:
        self.drains += 1
        if self.hold is not None:
            self.held.set()
            await self.hold.wait()
            self.hold = None
        if self.failures:
            self.failures -= 1
            raise ConnectionError("synthetic: the trail is down")
        batch = min(limit, self.waiting)
        self.waiting -= batch
        self.moved += batch
        return batch


@pytest.fixture
async def running() -> AsyncIterator[list[asyncio.Task[None]]]:
    tasks: list[asyncio.Task[None]] = []
    yield tasks
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def _trail() -> AuditTrail:
    return DiscardingAuditTrail(SqlAuditTrail.__new__(SqlAuditTrail))


async def test_without_a_running_loop_the_caller_drains(running: list[asyncio.Task[None]]):
    # given events waiting and no relay loop
    outbox = _Outbox(5)
    relay = AuditRelay([outbox], _trail())
    # when a mutation flushes, then it drained them all itself, in batches
    assert await relay.flush(within=5)
    assert (outbox.moved, outbox.waiting, outbox.drains) == (5, 0, 4)


async def test_a_flush_wakes_the_loop_and_waits_for_its_round(
    running: list[asyncio.Task[None]],
):
    # given a running relay, idle for its sweep interval
    outbox = _Outbox()
    relay = AuditRelay([outbox], _trail(), interval=3600)
    running.append(asyncio.create_task(relay.run()))
    await asyncio.sleep(0)
    # when an event is committed and the mutation flushes
    outbox.waiting = 3
    assert await relay.flush(within=30)
    # then the round ran at once and moved it
    assert outbox.moved == 3


async def test_a_flush_during_a_round_waits_for_the_next_one(
    running: list[asyncio.Task[None]],
):
    # given a relay whose round is under way (it may have passed the new event already)
    outbox = _Outbox()
    relay = AuditRelay([outbox], _trail(), interval=3600)
    running.append(asyncio.create_task(relay.run()))
    await asyncio.sleep(0)
    outbox.hold = asyncio.Event()
    assert await relay.flush(within=0.05) is False  # the round is held
    await outbox.held.wait()
    drains_before = outbox.drains
    # when an event is committed and a mutation flushes, then the round ends
    flushing = asyncio.create_task(relay.flush(within=30))
    outbox.waiting = 1
    outbox.hold.set()
    assert await flushing
    # then the flush returned only after a round that began after it (and moved the event)
    assert outbox.moved == 1
    assert outbox.drains > drains_before + 1


async def test_a_failing_trail_is_logged_once_and_retried(
    running: list[asyncio.Task[None]], caplog: pytest.LogCaptureFixture
):
    # given a relay whose first three rounds fail
    outbox = _Outbox(failures=3)
    relay = AuditRelay([outbox], _trail(), interval=3600)
    running.append(asyncio.create_task(relay.run()))
    await asyncio.sleep(0)
    outbox.waiting = 2
    with caplog.at_level(logging.INFO, logger="datasources.audit_relay"):
        # when mutations flush meanwhile, then the rounds fail, and are retried until one works
        for _ in range(100):
            await relay.flush(within=5)
            if outbox.moved == 2:
                break
    assert outbox.moved == 2
    # then the outage was logged once, by the error's type, and its end once
    messages = [record.getMessage() for record in caplog.records]
    assert messages == [
        "audit relay: draining failed (ConnectionError); retrying",
        "audit relay: recovered, 2 event(s) relayed",
    ]


async def test_the_discarding_trail_drops_relayed_events():
    trail = DiscardingAuditTrail(SqlAuditTrail.__new__(SqlAuditTrail))
    events = [RelayedEvent(key="k1", draft=draft()), RelayedEvent(key="k2", draft=draft())]
    assert await trail.append_relayed(events) == 2
    assert trail.discarded == 2


async def test_nothing_relayed_is_nothing_appended(audit_trail: SqlAuditTrail):
    assert await audit_trail.append_relayed([]) == 0
    assert (await audit_trail.verify()).checked == 0
