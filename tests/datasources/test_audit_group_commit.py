"""Group commit of audit events: concurrent requests' events in one transaction, none early.

`GroupCommit` on its own first (no database), then `SqlAuditTrail` on SQLite and PostgreSQL,
then concurrent GraphQL requests through the hub. Where a test needs callers to pile up
behind a commit, the commit waits until they have all handed their events in (`HeldTrail`):
grouping is then certain, not a matter of timing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app import create_app
from datasources.audit import AuditEventDraft, AuditTrailError
from datasources.group_commit import GroupCommit
from datasources.read_connections import release_reads
from datasources.sql_audit import SqlAuditTrail
from resolvers.ids import encode_global_id
from settings import Settings
from tests.conftest import Hub
from tests.datasources.audit_support import EVENTS, draft, wipe
from tests.datasources.wire_counts import settle, wire_counts

ARRIVAL_TIMEOUT_SECONDS = 30
"""How long a held commit waits for the callers it expects before the test fails."""
ONE_CASE = """
query OneCase($id: ID!) { case(id: $id) { id participants { role participant { id ssn } } } }
"""


# --------------------------------------------------------------------------- GroupCommit


class _Commits:
    """A commit function that records each group, and can be held or made to fail."""

    def __init__(self) -> None:
        self.groups: list[list[str]] = []
        self.release = asyncio.Event()
        self.release.set()
        self.started = asyncio.Event()
        self.failing: set[int] = set()
        """Which commits (1-based) fail."""

    async def __call__(self, items: list[str]) -> None:
        self.groups.append(items)
        self.started.set()
        await self.release.wait()
        if len(self.groups) in self.failing:
            raise AuditTrailError("synthetic: the commit failed")


async def _until(happened: asyncio.Event, what: str) -> None:
    try:
        async with asyncio.timeout(ARRIVAL_TIMEOUT_SECONDS):
            await happened.wait()
    except TimeoutError:
        raise AssertionError(f"waited {ARRIVAL_TIMEOUT_SECONDS} s in vain: {what}") from None


async def test_callers_queued_behind_a_commit_are_committed_together_and_in_order() -> None:
    # given a commit in progress
    commits = _Commits()
    commits.release.clear()
    group: GroupCommit[str] = GroupCommit(commits)
    first = asyncio.create_task(group.submit(["a1", "a2"]))
    await _until(commits.started, "the first commit started")

    # when three more callers hand in items meanwhile
    rest = [asyncio.create_task(group.submit([f"{c}1", f"{c}2"])) for c in "bcd"]
    for _ in range(5):
        await asyncio.sleep(0)
    # then nobody has returned before its commit is done
    assert not any(task.done() for task in [first, *rest])
    commits.release.set()
    await asyncio.gather(first, *rest)

    # and the three were one commit, each caller's items together and in order
    assert commits.groups == [["a1", "a2"], ["b1", "b2", "c1", "c2", "d1", "d2"]]
    assert group.commits == 2


async def test_a_failed_commit_fails_every_caller_of_its_group_and_no_other() -> None:
    # given the second commit fails
    commits = _Commits()
    commits.failing = {2}
    commits.release.clear()
    group: GroupCommit[str] = GroupCommit(commits)
    first = asyncio.create_task(group.submit(["a"]))
    await _until(commits.started, "the first commit started")
    failed = [asyncio.create_task(group.submit([c])) for c in "bc"]
    await asyncio.sleep(0)

    # when the commits run
    commits.release.set()
    results = await asyncio.gather(first, *failed, return_exceptions=True)
    await group.submit(["d"])

    # then both callers of the failed group get its error; the others are committed
    assert results[0] is None
    assert [type(r) for r in results[1:]] == [AuditTrailError, AuditTrailError]
    assert commits.groups == [["a"], ["b", "c"], ["d"]]


async def test_a_group_is_bounded_but_never_splits_a_caller() -> None:
    commits = _Commits()
    commits.release.clear()
    group: GroupCommit[str] = GroupCommit(commits, max_items=3)
    first = asyncio.create_task(group.submit(["a"] * 4))
    await _until(commits.started, "the first commit started")
    rest = [asyncio.create_task(group.submit([c, c])) for c in "bcd"]
    await asyncio.sleep(0)
    commits.release.set()
    await asyncio.gather(first, *rest)

    # a caller larger than the bound goes alone; the others fill commits up to it
    assert commits.groups == [["a"] * 4, ["b", "b"], ["c", "c"], ["d", "d"]]


async def test_a_caller_that_stops_waiting_still_has_its_items_committed() -> None:
    commits = _Commits()
    commits.release.clear()
    group: GroupCommit[str] = GroupCommit(commits)
    first = asyncio.create_task(group.submit(["a"]))
    await _until(commits.started, "the first commit started")
    leaver = asyncio.create_task(group.submit(["b"]))
    stayer = asyncio.create_task(group.submit(["c"]))
    await asyncio.sleep(0)

    # when one queued caller is cancelled
    leaver.cancel()
    commits.release.set()
    await asyncio.gather(first, stayer)

    # then its items are committed with its group all the same
    assert commits.groups == [["a"], ["b", "c"]]
    assert leaver.cancelled()


# --------------------------------------------------------------------------- SqlAuditTrail


class HeldTrail(SqlAuditTrail):
    """Holds each commit until `expected` callers in all have handed events in; may fail."""

    def __init__(self, engine: AsyncEngine, *, expected: int = 0, fails: bool = False) -> None:
        super().__init__(engine)
        self.expected = expected
        self.fails = fails
        self.callers = 0
        self.transactions = 0
        self.arrived = asyncio.Event()

    def expect(self, callers: int) -> None:
        """Hold commits until `callers` in all (counting those before) have handed events in."""
        self.expected = callers
        self.arrived.clear()

    async def append_many(self, drafts: Sequence[AuditEventDraft]) -> None:
        # what the trail awaits before it queues a caller, so that a caller counted is queued
        await release_reads()
        self.callers += 1
        if self.callers >= self.expected:
            self.arrived.set()
        await super().append_many(drafts)

    async def _append_group(self, drafts: list[AuditEventDraft]) -> None:
        self.transactions += 1
        if self.callers < self.expected:
            await _until(self.arrived, f"{self.expected} callers handed events in")
        if self.fails:
            raise AuditTrailError("synthetic: the audit database refused the commit")
        await super()._append_group(drafts)


async def test_concurrent_appends_share_transactions_and_the_chain_verifies(
    audit_engine: AsyncEngine,
) -> None:
    # given twenty callers with three events each, at once
    callers = 20
    trail = SqlAuditTrail(audit_engine)
    batches = [[draft(record_id=f"{n}.{k}") for k in range(3)] for n in range(callers)]

    # when they append
    with wire_counts({"audit": audit_engine}) as wires:
        await asyncio.gather(*(trail.append_many(batch) for batch in batches))
        await settle()

    # then one transaction held them all: they came within one turn of the event loop
    assert len(wires["audit"].starting("BEGIN")) == 1
    assert len(wires["audit"].starting("INSERT")) == 1
    # and every event is stored once, each caller's three together and in order
    async with audit_engine.connect() as conn:
        stored = [
            row.record_id for row in await conn.execute(select(EVENTS).order_by(EVENTS.c.seq))
        ]
    assert len(stored) == 3 * callers
    runs = [stored[i : i + 3] for i in range(0, len(stored), 3)]
    assert sorted(runs) == sorted([d.record_id for d in batch] for batch in batches)
    # and the chain verifies
    verified = await trail.verify()
    assert verified.ok, verified.problem
    assert verified.checked == 3 * callers


async def test_drafts_a_stored_event_cannot_hold_fail_their_caller_alone(
    audit_trail: SqlAuditTrail,
) -> None:
    good = [draft(record_id="1")]
    bad = [draft(outcome="leaked")]

    results = await asyncio.gather(
        audit_trail.append_many(good), audit_trail.append_many(bad), return_exceptions=True
    )

    assert results[0] is None
    assert isinstance(results[1], ValueError)
    assert (await audit_trail.verify()).checked == 1


# --------------------------------------------------------------------------- through the hub


@asynccontextmanager
async def _hub_with(
    settings: Settings, trails: list[HeldTrail], monkeypatch: pytest.MonkeyPatch, **held: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, AsyncEngine]]]:
    def build(engine: AsyncEngine) -> HeldTrail:
        trails.append(HeldTrail(engine, **held))
        return trails[-1]

    monkeypatch.setattr("datasources.audit_trails.SqlAuditTrail", build)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://hub") as http,
    ):
        yield http, app.state.engines


async def _ask_case(http: httpx.AsyncClient, hub: Hub) -> dict[str, Any]:
    response = await http.post(
        "/graphql",
        json={"query": ONE_CASE, "variables": {"id": encode_global_id("Case", 1)}},
        headers=hub.headers("ocss_staff", jurisdiction="FED", fti=True),
    )
    body: dict[str, Any] = response.json()
    return body


async def _event_count(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(EVENTS)) or 0)


async def test_concurrent_requests_events_are_committed_together_before_any_answer(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    requests = 12
    trails: list[HeldTrail] = []
    async with _hub_with(hub.settings, trails, monkeypatch) as (http, engines):
        await wipe(engines["audit"])
        # given what one request of the one-case read writes
        alone = await _ask_case(http, hub)
        per_request = await _event_count(engines["audit"])

        # when twelve such requests come at once (their first commit waits for all twelve)
        trails[0].expect(1 + requests)
        bodies = await asyncio.gather(*(_ask_case(http, hub) for _ in range(requests)))
        total = await _event_count(engines["audit"])
        verified = await trails[0].verify()
        await wipe(engines["audit"])

    # then every one is answered, and its events were in the trail before it was
    assert all(body == alone for body in bodies)
    assert per_request > 0
    assert total == per_request * (1 + requests)
    # in at most two transactions after the lone request's: whoever came first, then the rest
    assert 2 <= trails[0].transactions <= 3
    # and the chain verifies
    assert verified.ok, verified.problem
    assert verified.checked == total


async def test_a_failed_group_commit_withholds_every_answer_of_its_group(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    requests = 6
    trails: list[HeldTrail] = []
    async with _hub_with(hub.settings, trails, monkeypatch, expected=requests, fails=True) as (
        http,
        _engines,
    ):
        # when six requests come at once and their commits fail
        bodies = await asyncio.gather(*(_ask_case(http, hub) for _ in range(requests)))

    # then no answer leaves: every one is the internal error, in fewer commits than requests
    for body in bodies:
        assert body["data"] is None
        assert [e["extensions"]["code"] for e in body["errors"]] == ["INTERNAL_SERVER_ERROR"]
    assert 1 <= trails[0].transactions <= 2
