"""Several hub processes, one PostgreSQL, one Redis: notices reach every process, none lost.

The hubs here are real `hub serve` processes; the subscribers are real WebSocket clients.
"""

from __future__ import annotations

import asyncio
import resource
import sys
import uuid
from collections.abc import Iterator
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import pytest

from tests.conftest import Hub, seeded_postgres_hub
from tests.services.graphql_ws import Subscriber, subscriber
from tests.services.hub_process import hub_process
from tests.services.redis import own_redis_server, redis_server_url

HUB = str(Path(sys.executable).parent / "hub")
MUTATION_REPORT = """
mutation Report($input: ReportTerminationInput!) {
  reportTermination(input: $input) { notice { id } userErrors { code message } }
}
"""


def _allow_open_files(wanted: int) -> None:
    """Two sockets a subscriber (client and server side): lift the soft limit if it is low."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


@pytest.fixture(scope="module")
def pg_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    with seeded_postgres_hub(tmp_path_factory) as hub:
        yield hub


async def _report(url: str, hub: Hub, number: int) -> str:
    report = {
        "employeeSsn": f"999-98-{number:04d}",
        "employeeFirstName": "Test",
        "employeeLastName": f"Person{number}",
        "neverEmployed": True,
    }
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        response = await http.post(
            "/graphql",
            json={"query": MUTATION_REPORT, "variables": {"input": report}},
            headers=hub.headers("employer", fein="90-0000001"),
        )
    payload = response.json()["data"]["reportTermination"]
    assert payload["userErrors"] == []
    notice_id: str = payload["notice"]["id"]
    return notice_id


async def _subscribed(stack: AsyncExitStack, url: str, hub: Hub) -> Subscriber:
    socket = await stack.enter_async_context(subscriber(url))
    ack = await socket.init(hub.token("ocss_staff"))
    assert ack["type"] == "connection_ack"
    await socket.subscribe()
    return socket


async def test_a_notice_reported_through_one_process_reaches_the_other(pg_hub: Hub, tmp_path: Path):
    # given two hub processes sharing PostgreSQL and Redis
    stream = f"hub:test:{uuid.uuid4().hex}"
    with (
        hub_process(pg_hub, redis_server_url(), tmp_path / "a", stream) as first,
        hub_process(pg_hub, redis_server_url(), tmp_path / "b", stream) as second,
    ):
        async with AsyncExitStack() as stack:
            # and a subscriber on each
            on_first = await _subscribed(stack, first, pg_hub)
            on_second = await _subscribed(stack, second, pg_hub)
            await asyncio.sleep(0.5)
            # when a notice is reported through the first
            notice = await _report(first, pg_hub, 1)
            # then both receive it, once
            assert [n["id"] for n in await on_second.notices(1)] == [notice]
            assert [n["id"] for n in await on_first.notices(1)] == [notice]
            assert await on_second.nothing_more()


async def test_notices_reported_while_redis_is_down_arrive_once_it_returns(
    pg_hub: Hub, tmp_path: Path
):
    # given a hub on a Redis of this test's own, and a subscriber on another process
    with own_redis_server() as redis:
        with (
            hub_process(pg_hub, redis.url, tmp_path / "a", "hub:notices") as reporter,
            hub_process(pg_hub, redis.url, tmp_path / "b", "hub:notices") as receiver,
        ):
            async with AsyncExitStack() as stack:
                socket = await _subscribed(stack, receiver, pg_hub)
                await asyncio.sleep(0.5)
                before = await _report(reporter, pg_hub, 10)
                assert [n["id"] for n in await socket.notices(1)] == [before]
                # when Redis stops, notices are reported, and Redis comes back
                redis.stop()
                during = [await _report(reporter, pg_hub, n) for n in range(11, 14)]
                redis.start()
                after = await _report(reporter, pg_hub, 14)
                # then every one of them arrives, once
                received = [n["id"] for n in await socket.notices(4, seconds=60)]
                assert sorted(received) == sorted([*during, after])
                assert await socket.nothing_more(2.0)


async def test_a_thousand_subscribers_on_one_process_all_receive(pg_hub: Hub, tmp_path: Path):
    # given one hub process and 1,000 subscribers connected to it
    stream = f"hub:test:{uuid.uuid4().hex}"
    _allow_open_files(4096)
    with hub_process(pg_hub, redis_server_url(), tmp_path / "a", stream) as url:
        async with AsyncExitStack() as stack:
            sockets = [await _subscribed(stack, url, pg_hub) for _ in range(1000)]
            await asyncio.sleep(1.0)
            # when one notice is reported
            notice = await _report(url, pg_hub, 100)
            # then every subscriber receives it
            received = await asyncio.gather(*(s.notices(1, seconds=60) for s in sockets))
    assert sum(1 for batch in received if batch[0]["id"] == notice) == 1000
