"""Reads: no transaction, no ping, one connection per source per request, a dead one replaced.

Counted on the wire (`tests/datasources/wire_counts.py`): the statements and transaction
control each database is sent, and the connections checked out of each pool.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from app import create_app
from datasources.engines import build_engine
from datasources.models.fcr import CaseRow
from datasources.read_connections import read, read_rows, read_scope, write_transaction
from datasources.sql_audit import SqlAuditTrail
from resolvers.ids import encode_global_id
from settings import Settings
from tests.conftest import Hub
from tests.datasources.audit_support import EVENTS, HEAD, draft, wipe
from tests.datasources.tcp_proxy import proxy_to
from tests.datasources.wire_counts import settle, wire_counts

ONE_CASE = """
query OneCase($id: ID!) { case(id: $id) { id participants { role participant { id ssn } } } }
"""
DEEP_CASES = """
query DeepCases { cases(first: 5) { edges { node {
  id participants { role participant {
    id ssn
    cases { case { id } }
    employment { hireDate employer { fein name } }
    offsetCertifications { id arrearsAmount }
  } }
} } } }
"""
READ_SOURCES = ("fcr", "ndnh", "offsets")


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    """The hub in process: a client over ASGI, and the app's engines by source."""
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://hub") as http,
    ):
        yield http, app.state.engines


async def _ask(http: httpx.AsyncClient, hub: Hub, query: str, **variables: Any) -> dict[str, Any]:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers=hub.headers("ocss_staff", jurisdiction="FED", fti=True),
    )
    body: dict[str, Any] = response.json()
    return body


def _case_id(n: int = 1) -> str:
    return encode_global_id("Case", n)


async def test_one_read_request_sends_its_reads_without_begin_commit_or_ping(
    postgres_hub: Hub,
) -> None:
    # given a hub whose pools are warm
    async with running(postgres_hub.settings) as (http, engines):
        assert "errors" not in await _ask(http, postgres_hub, ONE_CASE, id=_case_id(2))
        counted = {name: engines[name] for name in ("fcr", "audit")}

        # when one case is read
        with wire_counts(counted) as wires:
            body = await _ask(http, postgres_hub, ONE_CASE, id=_case_id(1))
            await settle()

    # then the FCR is sent its four SELECTs and nothing else: no BEGIN, no ROLLBACK, no ping
    assert "errors" not in body
    assert body["data"]["case"]["participants"]
    fcr = wires["fcr"]
    assert fcr.transaction_control == []
    assert len(fcr.starting("SELECT")) == len(fcr.statements) == 4
    # and the audit append keeps its one transaction
    audit = wires["audit"]
    assert [s.strip().upper().rstrip(";") for s in audit.transaction_control] == [
        "BEGIN",
        "COMMIT",
    ]
    assert len(audit.starting("INSERT")) == 1


async def test_a_request_checks_out_one_connection_per_source(hub: Hub) -> None:
    # given a query that reads three sources, the FCR at several levels
    async with running(hub.settings) as (http, engines):
        counted = {name: engines[name] for name in READ_SOURCES}

        # when it is asked
        with wire_counts(counted) as wires:
            body = await _ask(http, hub, DEEP_CASES)

    # then each source was read over one connection, however many statements it was sent
    assert {e["extensions"]["code"] for e in body.get("errors", [])} <= {"FVI_PROTECTED"}
    assert len(body["data"]["cases"]["edges"]) == 5
    assert {name: wire.checkouts for name, wire in wires.items()} == dict.fromkeys(READ_SOURCES, 1)
    assert len(wires["fcr"].statements) >= 5


async def test_concurrent_requests_each_hold_their_own_connections(hub: Hub) -> None:
    # given eight requests at once
    async with running(hub.settings) as (http, engines):
        with wire_counts({"fcr": engines["fcr"]}) as wires:
            bodies = await asyncio.gather(
                *(_ask(http, hub, ONE_CASE, id=_case_id(n)) for n in range(1, 9))
            )

    # then every one is answered, with one FCR connection each
    assert all("errors" not in body and body["data"]["case"] for body in bodies)
    assert wires["fcr"].checkouts == 8


@pytest.fixture
async def fcr_engine(hub: Hub) -> AsyncIterator[AsyncEngine]:
    engine = build_engine(hub.settings.database_urls["fcr"])
    yield engine
    await engine.dispose()


async def _count_cases(conn: AsyncConnection) -> int:
    return int(await conn.scalar(select(func.count()).select_from(CaseRow)) or 0)


async def test_reads_in_a_scope_share_one_connection_and_queue_on_it(
    fcr_engine: AsyncEngine,
) -> None:
    ids = list(range(1, 11))
    with wire_counts({"fcr": fcr_engine}) as wires:
        # when ten reads run at once in one scope
        async with read_scope() as scope:
            found = await asyncio.gather(
                *(read_rows(fcr_engine, select(CaseRow.id).where(CaseRow.id == n)) for n in ids)
            )
            in_scope = wires["fcr"].checkouts
        # and ten more run one after another outside it
        for _ in ids:
            await read(fcr_engine, _count_cases)

    # then the scope's reads shared one connection, each getting its own rows
    assert [[row.id for row in rows] for rows in found] == [[n] for n in ids]
    assert in_scope == scope.checkouts == 1
    # and each read outside a scope checked out a connection of its own
    assert wires["fcr"].checkouts == 1 + len(ids)


async def test_a_read_after_its_scope_closed_gets_a_connection_of_its_own(
    fcr_engine: AsyncEngine,
) -> None:
    async with read_scope() as scope:
        await read(fcr_engine, _count_cases)
        await scope.close()
        # when a read comes after the scope gave its connections back
        with wire_counts({"fcr": fcr_engine}) as wires:
            total = await read(fcr_engine, _count_cases)

    # then it is answered over a connection of its own, which it gives back
    assert total > 0
    assert wires["fcr"].checkouts == 1
    assert fcr_engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_an_error_of_the_read_keeps_its_connection_and_a_cancelled_read_drops_it(
    fcr_engine: AsyncEngine,
) -> None:
    started = asyncio.Event()

    async def refuses(_conn: AsyncConnection) -> int:
        raise ValueError("synthetic: a page key the hub did not make")

    async def waits(_conn: AsyncConnection) -> int:
        started.set()
        await asyncio.Event().wait()
        return 0

    async with read_scope() as scope:
        # when a read fails on its own account, another read follows it
        with pytest.raises(ValueError, match="synthetic"):
            await read(fcr_engine, refuses)
        await read(fcr_engine, _count_cases)
        kept = scope.checkouts
        # and when a read is cancelled while it holds the connection, another follows it
        waiting = asyncio.create_task(read(fcr_engine, waits))
        await started.wait()
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        await read(fcr_engine, _count_cases)

    # then the first connection served both reads; the cancelled one's was not reused
    assert kept == 1
    assert scope.checkouts == 2


@pytest.fixture
async def one_connection_engine(hub: Hub) -> AsyncIterator[AsyncEngine]:
    """The audit database behind a pool of one connection, that gives up waiting soon."""
    engine = create_async_engine(
        hub.settings.database_urls["audit"], pool_size=1, max_overflow=0, pool_timeout=5
    )
    await wipe(engine)
    yield engine
    await wipe(engine)
    await engine.dispose()


async def test_a_write_or_an_audit_append_after_a_read_does_not_wait_on_the_readers_pool(
    one_connection_engine: AsyncEngine,
) -> None:
    # given a request that read over the only connection of its pool
    engine = one_connection_engine
    async with read_scope() as scope:
        await read_rows(engine, select(func.count()).select_from(EVENTS))
        # when it writes, and appends its audit events, on that pool
        async with write_transaction(engine) as conn:
            await conn.execute(update(HEAD).values(at=None))
        await SqlAuditTrail(engine).append_many([draft(record_id="1")])
        # and reads again
        after = await read_rows(engine, select(func.count()).select_from(EVENTS))

    # then each took the connection the request gave back, and nothing waited in vain
    assert [tuple(row) for row in after] == [(1,)]
    assert scope.checkouts == 2


def _disconnect() -> DBAPIError:
    return DBAPIError("SELECT 1", None, ConnectionError("synthetic"), connection_invalidated=True)


async def test_a_read_whose_connection_died_runs_once_more(fcr_engine: AsyncEngine) -> None:
    calls: list[int] = []

    async def dies_once(conn: AsyncConnection) -> int:
        calls.append(1)
        if len(calls) == 1:
            raise _disconnect()
        return await _count_cases(conn)

    async with read_scope() as scope:
        total = await read(fcr_engine, dies_once)

    # then the second attempt answered, on a fresh connection
    assert total > 0
    assert len(calls) == 2
    assert scope.checkouts == 2


async def test_a_read_that_fails_twice_or_not_by_disconnect_is_raised(
    fcr_engine: AsyncEngine,
) -> None:
    attempts: list[str] = []

    async def always_dead(_conn: AsyncConnection) -> int:
        attempts.append("dead")
        raise _disconnect()

    async def bad_statement(_conn: AsyncConnection) -> int:
        attempts.append("bad")
        raise DBAPIError("SELECT 1", None, ValueError("synthetic"))

    with pytest.raises(DBAPIError):
        await read(fcr_engine, always_dead)
    with pytest.raises(DBAPIError):
        await read(fcr_engine, bad_statement)

    # then a dead connection is retried once, another error never
    assert attempts == ["dead", "dead", "bad"]


async def test_after_a_restart_reads_recover_and_an_outage_fails_only_while_it_lasts(
    postgres_hub: Hub,
) -> None:
    urls = postgres_hub.settings.database_urls
    async with proxy_to(urls["fcr"]) as proxy:
        # the standard executor: a compiled plan that fails falls back to it, reading again
        settings = replace(
            postgres_hub.settings,
            database_urls={**urls, "fcr": proxy.behind(urls["fcr"])},
            compiled_plans=False,
        )
        async with running(settings) as (http, engines):
            # given a hub whose FCR connection is pooled
            first = await _ask(http, postgres_hub, ONE_CASE, id=_case_id(1))
            with wire_counts({"fcr": engines["fcr"]}) as wires:
                # when the server restarts (every connection dies) and is back at once
                proxy.drop()
                after_restart = await _ask(http, postgres_hub, ONE_CASE, id=_case_id(1))
                reconnects = wires["fcr"].connects

                # and then goes down, and comes back
                proxy.drop()
                proxy.refuse()
                during_outage = await _ask(http, postgres_hub, ONE_CASE, id=_case_id(1))
                proxy.serve()
                after_outage = [
                    await _ask(http, postgres_hub, ONE_CASE, id=_case_id(n)) for n in (1, 2)
                ]

    # then the read after the restart was answered, over one new connection
    assert "errors" not in first
    assert after_restart == first
    assert reconnects == 1
    # and the outage failed the request made during it, the contract's way: no data, a code
    assert during_outage["data"] == {"case": None}
    assert [e["extensions"]["code"] for e in during_outage["errors"]] == ["INTERNAL_SERVER_ERROR"]
    # and the first requests after it are answered in full
    assert after_outage[0] == first
    assert "errors" not in after_outage[1]


async def test_after_a_restart_of_the_audit_database_the_next_answer_is_written_and_sent(
    postgres_hub: Hub,
) -> None:
    urls = postgres_hub.settings.database_urls
    async with proxy_to(urls["audit"]) as proxy:
        settings = replace(
            postgres_hub.settings,
            database_urls={**urls, "audit": proxy.behind(urls["audit"])},
            compiled_plans=False,
        )
        async with running(settings) as (http, engines):
            # given a hub whose audit connection is pooled
            first = await _ask(http, postgres_hub, ONE_CASE, id=_case_id(1))
            with wire_counts({"audit": engines["audit"]}) as wires:
                # when the audit database restarts and is back at once
                proxy.drop()
                after_restart = await _ask(http, postgres_hub, ONE_CASE, id=_case_id(1))
            verified = await SqlAuditTrail(engines["audit"]).verify()

    # then the answer after it was written (on one new connection) and sent
    assert "errors" not in first
    assert after_restart == first
    assert wires["audit"].connects == 1
    assert verified.ok, verified.problem
