"""`hub serve` stopped by SIGTERM mid-load: requests finish, subscribers go, no event is lost.

A real `hub serve` process on PostgreSQL; its state systems answer slowly (about 1.5 s),
so that requests are in flight when the signal comes. Then:

* every in-flight request completes with 200 and its data;
* a graphql-transport-ws subscriber is closed with 1001 (going away);
* new connections are refused while those requests still run;
* the process exits 0;
* every completed request's audit events are in the trail, and the chain verifies.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Receive, Scope, Send

from datasources.engines import build_engine
from datasources.sql_audit import SqlAuditTrail
from state_sim import build_state_sim_app
from tests.conftest import Hub, seeded_postgres_hub
from tests.datasources.audit_support import EVENTS
from tests.services.graphql_ws import subscriber
from tests.services.hub_process import hub_serve
from tests.services.servers import serve_app

IN_FLIGHT = 4
STATE_DELAY_SECONDS = 1.5
"""The simulated state systems answer after 0.5 to 1.5 times this."""
WAIT_SECONDS = 30
QUERY = """
query SlowCases($state: String!) {
  cases(state: $state, first: 2) {
    edges { node { stateCaseId worker { name } participants { role participant { id ssn } } } }
  }
}
"""


class CountingApp:
    """Counts the requests the simulated state systems received (on the server's thread)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.requests = 0
        self._target = 0
        self.reached = threading.Event()

    def expect(self, more: int) -> None:
        """Set `reached` once `more` requests beyond those so far have arrived."""
        self._target = self.requests + more
        self.reached.clear()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.requests += 1
            if self._target and self.requests >= self._target:
                self.reached.set()
        await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def pg_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    with seeded_postgres_hub(tmp_path_factory) as hub:
        yield hub


async def _busiest_state(engine: AsyncEngine) -> str:
    async with engine.connect() as conn:
        state = await conn.scalar(
            text(
                "select jurisdiction from cases where jurisdiction not like 'T%' "
                "group by jurisdiction order by count(*) desc, jurisdiction limit 1"
            )
        )
    assert isinstance(state, str)
    return state


async def _events(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(EVENTS)) or 0)


async def _read_cases(http: httpx.AsyncClient, hub: Hub, state: str) -> httpx.Response:
    headers = hub.headers("state_worker", jurisdiction=state)
    return await http.post(
        "/graphql", json={"query": QUERY, "variables": {"state": state}}, headers=headers
    )


def _answered(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text[:300]
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body["errors"]
    edges = body["data"]["cases"]["edges"]
    assert edges, "the busiest state has no cases"
    assert all(edge["node"]["worker"] for edge in edges)  # the slow state system answered
    return body


async def _until_refused(url: str, process_alive: Any) -> bool:
    """True once a new connection is refused while the process still runs."""
    deadline = time.monotonic() + WAIT_SECONDS
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline and process_alive():
            try:
                await client.get(f"{url}/healthz", headers={"Connection": "close"})
            except httpx.ConnectError:
                return bool(process_alive())
            await asyncio.sleep(0.02)
    return False


@pytest.mark.postgres
@pytest.mark.slow
async def test_sigterm_finishes_requests_closes_sockets_and_keeps_every_event(
    pg_hub: Hub, tmp_path: Path
) -> None:
    audit = build_engine(pg_hub.settings.database_urls["audit"])
    fcr = build_engine(pg_hub.settings.database_urls["fcr"])
    sim = CountingApp(build_state_sim_app(delay=STATE_DELAY_SECONDS))
    try:
        state = await _busiest_state(fcr)
        with (
            serve_app(sim) as sim_url,
            hub_serve(
                pg_hub,
                None,
                tmp_path / "hub",
                HUB_STATE_SYSTEMS_URL=sim_url,
                HUB_STATE_SYSTEM_TIMEOUT="20",
                HUB_SHUTDOWN_TIMEOUT="25",
            ) as (url, process),
        ):
            log = tmp_path / "hub" / "hub.log"
            await _stop_mid_load(pg_hub, url, process, state, sim, audit, log)
    finally:
        await audit.dispose()
        await fcr.dispose()


async def _stop_mid_load(
    hub: Hub,
    url: str,
    process: subprocess.Popen[bytes],
    state: str,
    sim: CountingApp,
    audit: AsyncEngine,
    log: Path,
) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        # given one request's audit events counted
        before = await _events(audit)
        _answered(await _read_cases(http, hub, state))
        per_request = await _events(audit) - before
        assert per_request > 0, "the request read nothing audited"
        before = await _events(audit)

        async with subscriber(url) as socket:
            ack = await socket.init(hub.token("state_worker", jurisdiction=state))
            assert ack["type"] == "connection_ack"
            await socket.subscribe()
            # and requests in flight, each waiting on its state system
            sim.expect(IN_FLIGHT)
            in_flight = [
                asyncio.create_task(_read_cases(http, hub, state)) for _ in range(IN_FLIGHT)
            ]
            assert await asyncio.to_thread(sim.reached.wait, WAIT_SECONDS), "not in flight"

            # when the process is told to stop
            process.send_signal(signal.SIGTERM)

            # then the subscriber is told the server is going away
            assert await socket.closed_with(WAIT_SECONDS) == 1001
            # and new connections are refused while the requests still run
            assert await _until_refused(url, lambda: process.poll() is None)
            # and every request in flight completes
            for response in await asyncio.gather(*in_flight):
                _answered(response)

    exit_code = await asyncio.to_thread(process.wait, WAIT_SECONDS)
    output = await asyncio.to_thread(log.read_text)
    assert exit_code == 0, output[-3000:]
    # and every completed request's events are in the trail, which verifies
    assert await _events(audit) - before == IN_FLIGHT * per_request
    assert (await SqlAuditTrail(audit).verify()).ok
    assert "closed 1 WebSocket(s) with 1001" in output
