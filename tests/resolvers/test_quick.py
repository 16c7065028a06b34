"""QUICK through GraphQL: live views from state systems that are well, slow, broken or gone."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from state_sim import build_state_sim_app
from tests.allowances import allowance
from tests.assertions import nonempty
from tests.conftest import Hub, serving
from tests.services.client_tls import CLIENT_TLS
from tests.services.servers import free_port, serve_app

TIMEOUT = 0.5
VIEW = (
    "stateCaseId state { code } participants { role }"
    " worker { name } financials { arrears } activities { code }"
)


class CountingApp:
    """Counts the requests a simulated state system receives, per path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.requests: Counter[str] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.requests[scope["path"]] += 1
        await self.app(scope, receive, send)


async def _states_with_cases(hub: Hub) -> list[str]:
    """Four states holding seeded cases, busiest first."""
    from datasources.engines import build_engine

    engine = build_engine(hub.settings.database_urls["fcr"])
    async with engine.connect() as conn:
        rows = (
            await conn.exec_driver_sql(
                "SELECT jurisdiction, count(*) AS n FROM cases WHERE jurisdiction NOT LIKE 'T%' "
                "GROUP BY jurisdiction ORDER BY n DESC, jurisdiction LIMIT 4"
            )
        ).all()
    await engine.dispose()
    return [row[0] for row in rows]


@pytest.fixture(scope="module")
def states(hub: Hub) -> list[str]:
    import asyncio

    return asyncio.run(_states_with_cases(hub))


@pytest.fixture(scope="module")
def simulator(states: list[str]) -> Iterator[CountingApp]:
    _well, slow, garbage, _down = states
    app = CountingApp(
        build_state_sim_app(delay=0.01, modes={slow: "slow", garbage: "garbage"}, slow_seconds=5)
    )
    with serve_app(app) as url:
        app.url = url  # type: ignore[attr-defined]
        yield app


@pytest.fixture(scope="module")
def quick_url(hub: Hub, simulator: CountingApp, states: list[str]) -> Iterator[str]:
    down = states[3]
    closed = f"http://127.0.0.1:{free_port()}"
    settings = replace(
        hub.settings,
        state_systems_url=simulator.url,  # type: ignore[attr-defined]
        state_system_urls={down: closed},
        state_system_timeout=TIMEOUT,
    )
    with serving(settings) as url:
        yield url


@pytest.fixture
async def http(quick_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(verify=CLIENT_TLS, base_url=quick_url, timeout=30) as client:
        yield client


def _query(states: list[str]) -> str:
    parts = [
        f'{label}: cases(state: "{code}", first: 2) {{ edges {{ node {{ {VIEW} }} }} }}'
        for label, code in zip(("well", "slow", "garbage", "down"), states, strict=True)
    ]
    return "{ " + " ".join(parts) + " }"


async def test_troubled_states_fail_only_their_own_fields(
    http: httpx.AsyncClient, hub: Hub, states: list[str]
):
    # given one state well, one slow, one answering garbage and one down
    headers = hub.headers("state_worker", jurisdiction=states[0])
    # when a worker reads cases of all four with their QUICK views
    started = time.monotonic()
    response = await http.post("/graphql", json={"query": _query(states)}, headers=headers)
    elapsed = time.monotonic() - started
    body: dict[str, Any] = response.json()
    # then the answer arrives within the timeout plus a small margin
    assert response.status_code == 200
    assert elapsed < TIMEOUT + allowance(1.0)
    # and only the troubled states' QUICK fields are null, each with SOURCE_UNAVAILABLE
    failed = {tuple(e["path"][:1]) + (e["path"][-1],) for e in body["errors"]}
    assert {e["extensions"]["code"] for e in body["errors"]} == {"SOURCE_UNAVAILABLE"}
    for label in ("slow", "garbage", "down"):
        for field in ("worker", "financials", "activities"):
            assert (label, field) in failed
    assert not [path for path in failed if path[0] == "well"]
    # while everything else stands: FCR fields of every case, the well state's view
    for label in ("well", "slow", "garbage", "down"):
        for edge in nonempty(body["data"][label]["edges"], f"the {label} state's cases"):
            assert edge["node"]["stateCaseId"]
            assert edge["node"]["participants"]
    for edge in nonempty(body["data"]["well"]["edges"], "the well state's cases"):
        assert edge["node"]["worker"]["name"]
        assert edge["node"]["financials"]["arrears"]


async def test_one_request_per_holding_state_per_level(
    http: httpx.AsyncClient, hub: Hub, simulator: CountingApp, states: list[str]
):
    # given a page of the well state's cases, every QUICK field asked for each
    well = states[0]
    query = f'{{ cases(state: "{well}", first: 50) {{ edges {{ node {{ {VIEW} }} }} }} }}'
    before = simulator.requests[f"/states/{well}/cases/query"]
    # when it is read
    response = await http.post(
        "/graphql", json={"query": query}, headers=hub.headers("ocss_staff", fti=True)
    )
    # then the state's system was asked once, for all of them
    assert "errors" not in response.json()
    assert simulator.requests[f"/states/{well}/cases/query"] - before == 1


async def test_tax_refund_offset_payments_are_fti(
    http: httpx.AsyncClient, hub: Hub, states: list[str]
):
    # given the well state's cases with every payment they received
    query = (
        f'{{ cases(state: "{states[0]}", first: 50) {{ edges {{ node {{ id '
        "financials { paymentsReceived(last: null) { source } } } } } }"
    )

    async def sources(**claims: Any) -> Counter[str]:
        response = await http.post(
            "/graphql",
            json={"query": query},
            headers=hub.headers("state_worker", jurisdiction=states[0], **claims),
        )
        edges = response.json()["data"]["cases"]["edges"]
        return Counter(
            p["source"]
            for e in edges
            if e["node"]["financials"]
            for p in e["node"]["financials"]["paymentsReceived"]
        )

    # when a worker with and without FTI clearance reads them
    cleared, uncleared = await sources(fti=True), await sources()
    # then tax refund offsets (FTI) are left out without clearance, and nothing else is
    assert cleared["TAX_REFUND_OFFSET"] > 0
    assert uncleared["TAX_REFUND_OFFSET"] == 0
    assert {k: v for k, v in cleared.items() if k != "TAX_REFUND_OFFSET"} == dict(uncleared)


async def test_quick_is_refused_to_analysts(http: httpx.AsyncClient, hub: Hub, states: list[str]):
    query = (
        f'{{ cases(state: "{states[0]}", first: 1)'
        " { edges { node { worker { name } } } } }"
    )
    response = await http.post("/graphql", json={"query": query}, headers=hub.headers("analyst"))
    body = response.json()
    assert body["data"]["cases"]["edges"][0]["node"]["worker"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
