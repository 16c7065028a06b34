"""Rate limits over real HTTP and WebSocket: refusals, Retry-After, audit, Redis shared or lost.

Each test serves hubs of its own with small budgets (`_limited`) and a subject of its
own, so no other test's requests count; the Redis tests use a key prefix of their own.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace

import httpx
import pytest

from datasources.rate_limiter import parse_allowances
from settings import RateLimitSettings
from tests.conftest import Hub, serving
from tests.services.client_tls import CLIENT_TLS
from tests.services.graphql_ws import subscriber, ws_url
from tests.services.redis import redis_server_url
from tests.services.servers import free_port
from tests.transport import node_clients
from tests.transport.conftest import LogWindow

QUERY_VIEWER = "query Me { viewer { role } }"
QUERY_EVENTS = """
query Events($subject: String) {
  auditEvents(subject: $subject, first: 100) {
    edges { node { subject role jurisdiction operation action resource recordId } }
  }
}
"""
SEARCHES = 50
"""Aliased `participants(ssn:)` in one document: the most aliases a document may hold."""
SSN_GUESS = "900-12-{:04d}"


def _guesses(count: int) -> str:
    """One document searching by `count` SSNs, each under an alias of its own."""
    searches = (
        f'  g{i}: participants(ssn: "{SSN_GUESS.format(i)}", first: 1) {{ totalCount }}'
        for i in range(count)
    )
    return "query Guess {\n" + "\n".join(searches) + "\n}"


QUERY_DOB_SEARCH = 'query Born { participants(dateOfBirth: "1980-01-01", first: 1) { totalCount } }'
QUERY_NAME_SEARCH = 'query Named { participants(lastName: "Smith", first: 1) { totalCount } }'


def _limited(hub: Hub, *, requests: str, searches: str, **changes: object) -> Hub:
    limits = RateLimitSettings(
        requests=parse_allowances(requests),
        searches=parse_allowances(searches),
        prefix=f"hub:rate:test:{uuid.uuid4().hex}:",
        **changes,  # type: ignore[arg-type]
    )
    settings = replace(hub.settings, rate_limits=limits)
    return Hub(hub.backend, settings)


@contextmanager
def _served(*hubs: Hub) -> Iterator[list[str]]:
    with ExitStack() as stack:
        yield [stack.enter_context(serving(hub.settings)) for hub in hubs]


def _subject() -> str:
    return f"limits-{uuid.uuid4().hex[:12]}"


async def _post(url: str, hub: Hub, query: str, subject: str, role: str = "state_worker"):
    claims = {"state_worker": {"jurisdiction": "06"}, "employer": {"fein": "90-0000001"}}
    async with httpx.AsyncClient(base_url=url, verify=CLIENT_TLS, timeout=30) as http:
        return await http.post(
            "/graphql",
            json={"query": query},
            headers=hub.headers(role, subject=subject, **claims.get(role, {})),
        )


async def _events(url: str, hub: Hub, subject: str) -> list[dict[str, object]]:
    async with httpx.AsyncClient(base_url=url, verify=CLIENT_TLS, timeout=30) as http:
        response = await http.post(
            "/graphql",
            json={"query": QUERY_EVENTS, "variables": {"subject": subject}},
            headers=hub.headers("auditor", subject=_subject()),
        )
    body = response.json()
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["auditEvents"]["edges"]]


@pytest.mark.parametrize(("role", "burst"), [("state_worker", 4), ("employer", 2), ("analyst", 3)])
async def test_requests_over_the_role_budget_are_429_with_retry_after(
    sqlite_hub: Hub, role: str, burst: int
) -> None:
    # given budgets per role, one every 30 s after the burst
    table = "state_worker=2/m:4,employer=2/m:2,*=2/m:3"
    hub = _limited(sqlite_hub, requests=table, searches="*=1/d:1")
    subject = _subject()
    with _served(hub) as (url,):
        # when the subject makes one request more than its burst
        answers = [await _post(url, hub, QUERY_VIEWER, subject, role) for _ in range(burst + 1)]
        events = await _events(url, hub, subject)
    # then the burst is answered, the next one refused with the wait in seconds
    assert [answer.status_code for answer in answers] == [200] * burst + [429]
    refused = answers[-1]
    wait = int(refused.headers["retry-after"])
    assert 1 <= wait <= 30
    (error,) = refused.json()["errors"]
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": wait, "budget": "requests"}
    # and the refusal is audited: who, role, operation, the budget
    denials = [event for event in events if event["resource"] == "RateLimit.requests"]
    assert denials == [
        {
            "subject": subject,
            "role": role,
            "jurisdiction": "06" if role == "state_worker" else None,
            "operation": "Me",
            "action": "deny",
            "resource": "RateLimit.requests",
            "recordId": None,
        }
    ]


async def test_aliased_ssn_searches_each_spend_the_search_budget(
    sqlite_hub: Hub, test_log: LogWindow
) -> None:
    # given a search budget of 10 at once
    hub = _limited(sqlite_hub, requests="*=100/s:1000", searches="*=10/d:10")
    subject = _subject()
    with _served(hub) as (url,):
        # when one document searches by 6 SSNs under 6 aliases, then again, then by 50
        first = await _post(url, hub, _guesses(6), subject)
        second = await _post(url, hub, _guesses(6), subject)
        third = await _post(url, hub, _guesses(SEARCHES), subject)
        events = await _events(url, hub, subject)
    # then the first is answered: six searches of the ten
    assert "errors" not in first.json()
    assert "retry-after" not in first.headers
    # and the second, with four left, is refused at an alias's path (the connection is
    # non-null, so the answer holds no data: no alias confirms anything)
    for refused in (second, third):
        body = refused.json()
        assert body["data"] is None
        codes = {error["extensions"]["code"] for error in body["errors"]}
        assert codes == {"RATE_LIMITED"}
        assert all(error["path"][0].startswith("g") for error in body["errors"])
        wait = int(refused.headers["retry-after"])
        assert 1 <= wait <= 8640  # one search every 8,640 s
        assert {error["extensions"]["retryAfter"] for error in body["errors"]} == {wait}
    # and no guessed SSN is in an error, an audit event or a log line
    text = first.text + second.text + third.text + json.dumps(events) + "\n".join(test_log.lines)
    assert not re.search(r"900-12-\d{4}", text)
    refusals = [event for event in events if event["resource"] == "RateLimit.searches"]
    assert {event["operation"] for event in refusals} == {"Guess"}
    assert len(refusals) == 2  # one per answer: collapsed within one, as every denial is


async def test_date_of_birth_searches_count_and_name_searches_do_not(sqlite_hub: Hub) -> None:
    # given a search budget of one
    hub = _limited(sqlite_hub, requests="*=100/s:1000", searches="*=1/d:1")
    subject = _subject()
    with _served(hub) as (url,):
        # when the subject searches by name twice, then by date of birth twice
        names = [await _post(url, hub, QUERY_NAME_SEARCH, subject) for _ in range(2)]
        births = [await _post(url, hub, QUERY_DOB_SEARCH, subject) for _ in range(2)]
    # then only the second search by date of birth is refused
    assert all("errors" not in answer.json() for answer in names)
    assert "errors" not in births[0].json()
    (error,) = births[1].json()["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["path"] == ["participants"]
    assert births[1].status_code == 200
    assert births[1].headers["retry-after"]


async def test_two_hub_processes_share_the_budget_in_redis(sqlite_hub: Hub) -> None:
    # given two hubs on the same Redis and key prefix, a burst of 6
    redis_url = redis_server_url()
    one = _limited(sqlite_hub, requests="*=1/h:6", searches="*=1/d:1")
    one = Hub(one.backend, replace(one.settings, redis_url=redis_url))
    two = Hub(one.backend, replace(one.settings, redis_stream=f"hub:test:{uuid.uuid4().hex}"))
    subject = _subject()
    with _served(one, two) as urls:
        # when the subject sends 20 requests at once, spread over both
        answers = await asyncio.gather(
            *(_post(urls[i % 2], one, QUERY_VIEWER, subject) for i in range(20))
        )
    # then exactly the burst is admitted in all
    codes = [answer.status_code for answer in answers]
    assert codes.count(200) == 6
    assert codes.count(429) == 14


async def test_redis_unreachable_admits_requests_and_still_counts_searches(
    sqlite_hub: Hub, test_log: LogWindow
) -> None:
    # given a hub whose Redis is a closed port
    closed = f"redis://127.0.0.1:{free_port()}/0"
    hub = _limited(sqlite_hub, requests="*=1/h:1", searches="*=1/d:2")
    hub = Hub(hub.backend, replace(hub.settings, redis_url=closed))
    subject = _subject()
    with _served(hub) as (url,):
        # when the subject makes more requests and searches than its budgets
        viewers = [await _post(url, hub, QUERY_VIEWER, subject) for _ in range(3)]
        searches = [await _post(url, hub, QUERY_DOB_SEARCH, subject) for _ in range(3)]
    # then requests fail open; searches are counted in the process, and refused
    assert [answer.status_code for answer in viewers] == [200, 200, 200]
    codes = [
        [e["extensions"]["code"] for e in answer.json().get("errors", [])] for answer in searches
    ]
    assert codes == [[], [], ["RATE_LIMITED"]]
    # and the outage is one warning, never a traceback
    warnings = [line for line in test_log.lines if "rate limit store unreachable" in line]
    assert len(warnings) == 1


async def test_subscribe_over_budget_is_an_error_for_that_id(sqlite_hub: Hub) -> None:
    # given a request budget of 2
    hub = _limited(sqlite_hub, requests="*=1/h:2", searches="*=1/d:1")
    subject = _subject()
    token = hub.token("state_worker", subject=subject, jurisdiction="06")
    with _served(hub) as (url,):
        async with subscriber(url) as client:
            assert (await client.init(token))["type"] == "connection_ack"
            # when it subscribes three times
            for operation_id in ("a", "b", "c"):
                await client.socket.send(
                    json.dumps(
                        {
                            "id": operation_id,
                            "type": "subscribe",
                            "payload": {"query": "subscription S { terminationNotices { id } }"},
                        }
                    )
                )
            message = await client.receive()
    # then the third is an error message with the code and the wait
    assert message["type"] == "error"
    assert message["id"] == "c"
    (error,) = message["payload"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert 1 <= error["extensions"]["retryAfter"] <= 3600


async def test_websocket_connections_per_subject_are_capped_and_released(sqlite_hub: Hub) -> None:
    # given a cap of 2 connections per subject
    hub = _limited(
        sqlite_hub, requests="*=100/s:1000", searches="*=1/d:1", ws_max_connections_per_subject=2
    )
    subject = _subject()
    token = hub.token("state_worker", subject=subject, jurisdiction="06")
    other = hub.token("state_worker", subject=_subject(), jurisdiction="06")
    with _served(hub) as (url,):
        async with subscriber(url) as first, subscriber(url) as second:
            assert (await first.init(token))["type"] == "connection_ack"
            assert (await second.init(token))["type"] == "connection_ack"
            # when a third connection of the subject signs in
            async with subscriber(url) as third:
                await third.socket.send(
                    json.dumps(
                        {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
                    )
                )
                code = await third.closed_with()
            # then it is closed with 4429; another subject still connects
            assert code == 4429
            async with subscriber(url) as fourth:
                assert (await fourth.init(other))["type"] == "connection_ack"
            # when one connection drops without a close handshake
            first.socket.transport.abort()
        await asyncio.sleep(0.5)
        # then its seat is free again
        async with subscriber(url) as again:
            assert (await again.init(token))["type"] == "connection_ack"


async def test_websocket_connections_per_process_are_capped(sqlite_hub: Hub) -> None:
    # given a cap of 1 connection per process
    hub = _limited(sqlite_hub, requests="*=100/s:1000", searches="*=1/d:1", ws_max_connections=1)
    with _served(hub) as (url,):
        async with subscriber(url) as first:
            await first.socket.ping()
            # when a second connection opens, before any sign-in
            async with subscriber(url) as second:
                code = await second.closed_with()
    # then it is closed with 4429
    assert code == 4429


async def test_the_refusal_names_the_operation_however_it_was_sent(sqlite_hub: Hub) -> None:
    # given a request budget of one
    hub = _limited(sqlite_hub, requests="*=1/h:1", searches="*=1/d:1")
    subject = _subject()
    headers = hub.headers("state_worker", subject=subject, jurisdiction="06")
    with _served(hub) as (url,):
        async with httpx.AsyncClient(base_url=url, verify=CLIENT_TLS, timeout=30) as http:
            # when it is spent, then asked over GET, with operationName, and a broken body
            await http.post("/graphql", json={"query": QUERY_VIEWER}, headers=headers)
            answers = [
                await http.get(
                    "/graphql",
                    params={"query": QUERY_VIEWER, "operationName": "Me"},
                    headers=headers,
                ),
                await http.post(
                    "/graphql",
                    json={"query": "{ viewer { role } }", "operationName": "Named"},
                    headers=headers,
                ),
                await http.post(
                    "/graphql",
                    content=b'{"query": "900-12-3456',
                    headers={**headers, "content-type": "application/json"},
                ),
                await http.post(
                    "/graphql",
                    json={"query": QUERY_VIEWER, "operationName": "900-12-3456"},
                    headers=headers,
                ),
            ]
        events = await _events(url, hub, subject)
    # then each is refused, and audited under the name it gave when that is a name
    assert [answer.status_code for answer in answers] == [429] * 4
    operations = sorted(
        str(e["operation"]) for e in events if e["resource"] == "RateLimit.requests"
    )
    assert operations == ["Me", "Named", "anonymous", "anonymous"]


async def test_the_reference_client_gets_the_refused_subscribe_as_its_error(
    sqlite_hub: Hub,
) -> None:
    # given a request budget of two
    hub = _limited(sqlite_hub, requests="*=1/h:2", searches="*=1/d:1")
    token = hub.token("state_worker", subject=_subject(), jurisdiction="06")
    with _served(hub) as (url,):
        # when npm graphql-ws subscribes three times on one connection
        lines = await asyncio.to_thread(
            node_clients.run, "subscribe_repeatedly.mjs", ws_url(url), "3", token=token, timeout=60
        )
    # then two run, and the third fails with the code and the wait
    assert lines[:2] == [{"open": 0}, {"open": 1}]
    (error,) = lines[2]["error"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert 1 <= error["extensions"]["retryAfter"] <= 3600
