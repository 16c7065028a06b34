"""`/metrics` scraped over real HTTP: the families exist, their labels are bounded, counts move."""

from __future__ import annotations

import asyncio
import re

import httpx

from tests.conftest import Hub, serving
from tests.log_capture import KNOWN_VALUES
from tests.telemetry.scrapes import label_values, scrape, scrape_until, total, value

CASES = "query Cases { cases(first: 1) { totalCount edges { node { id } } } }"
SEARCH = """
query Search($ssn: String) { participants(ssn: $ssn) { totalCount edges { node { id ssn } } } }
"""
FAMILIES = (
    "hub_requests_total",
    "hub_request_duration_seconds_bucket",
    "hub_errors_total",
    "hub_source_call_duration_seconds_count",
    "hub_subscriptions_open",
    "hub_notices_relayed_total",
    "hub_audit_commits_total",
    "hub_audit_events_written_total",
    "hub_audit_commit_duration_seconds_count",
)


def _a_seeded_ssn() -> str:
    return sorted(v for v in KNOWN_VALUES if re.fullmatch(r"\d{3}-\d{2}-\d{4}", v))[0]


async def test_metrics_count_requests_errors_source_calls_and_audit_writes(
    http: httpx.AsyncClient, hub: Hub
):
    # given the counts before
    before = await scrape(http)
    headers = hub.headers("ocss_staff", fti=True)
    # when two named queries, an SSN search (audited) and a request without a token arrive
    for _ in range(2):
        response = await http.post("/graphql", json={"query": CASES}, headers=headers)
        assert response.status_code == 200
        assert "errors" not in response.json()
    search = {"query": SEARCH, "variables": {"ssn": _a_seeded_ssn()}}
    assert (await http.post("/graphql", json=search, headers=headers)).status_code == 200
    assert (await http.post("/graphql", json={"query": CASES})).status_code == 401
    # (a request is counted once its answer has left: the client may read it a moment before)
    after = await scrape_until(
        http,
        lambda samples: (
            total(samples, "hub_requests_total") >= total(before, "hub_requests_total") + 5
        ),
    )
    # then every family is served
    names = {name for name, _ in after}
    assert set(FAMILIES) <= names, set(FAMILIES) - names
    # and the requests are counted by operation and status, their errors by code
    moved = value(after, "hub_requests_total", operation="Cases", status="200") - value(
        before, "hub_requests_total", operation="Cases", status="200"
    )
    assert moved == 2
    assert value(after, "hub_requests_total", operation="Search", status="200") >= 1
    refused = ("hub_errors_total", {"operation": "-", "code": "UNAUTHENTICATED"})
    assert value(after, refused[0], **refused[1]) - value(before, refused[0], **refused[1]) == 1
    assert total(after, "hub_request_duration_seconds_count", operation="Cases") >= 2
    # and the source calls by source and method, and the audit's commits and events
    calls = ("hub_source_call_duration_seconds_count", {"source": "fcr"})
    assert total(after, calls[0], **calls[1]) > total(before, calls[0], **calls[1])
    assert "audit" in label_values(after, "hub_source_call_duration_seconds_count", "source")
    written = "hub_audit_events_written_total"
    assert total(after, written) > total(before, written)
    commits = ("hub_audit_commits_total", {"outcome": "committed"})
    assert value(after, commits[0], **commits[1]) > value(before, commits[0], **commits[1])
    # and no label of any series holds the SSN searched for
    response = await http.get("/metrics")
    assert search["variables"]["ssn"] not in response.text  # type: ignore[index]
    assert search["variables"]["ssn"].replace("-", "") not in response.text  # type: ignore[index]


async def test_hostile_operation_names_are_one_bounded_label(http: httpx.AsyncClient, hub: Hub):
    # given operation names a client chose to break a label or a log line
    hostile = ['x"} 1\nhub_requests_total{operation="forged', "a" * 500, "ünïcode", "{}"]
    headers = hub.headers("ocss_staff", fti=True)
    for name in hostile:
        query = "query Cases { cases(first: 1) { totalCount } }"
        body = {"query": query, "operationName": name}
        response = await http.post("/graphql", json=body, headers=headers)
        assert response.status_code in (200, 400)
    samples = await scrape(http)
    # then each is counted under the one label `invalid`, and none made a series of its own
    operations = label_values(samples, "hub_requests_total", "operation")
    assert "invalid" in operations
    assert not [op for op in operations if not re.fullmatch(r"[_A-Za-z][_0-9A-Za-z]{0,63}|-", op)]
    assert "forged" not in operations


async def test_metrics_need_the_token_when_one_is_set(hub: Hub):
    # given a hub whose metrics are scraped with a token
    settings = hub.settings.__class__(**{**hub.settings.__dict__, "metrics_token": "t" * 40})
    with serving(settings) as url:
        async with httpx.AsyncClient(base_url=url) as http:
            # when scraped without it, with a wrong one, and with it
            missing = await http.get("/metrics")
            wrong = await http.get("/metrics", headers={"Authorization": "Bearer nope"})
            samples = await scrape(http, Authorization=f"Bearer {'t' * 40}")
    # then only the token is let in; the others get 401 with the contract's code
    for refused in (missing, wrong):
        assert refused.status_code == 401
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert "t" * 40 not in refused.text
    assert samples


async def test_open_subscriptions_are_a_gauge_that_goes_back_down(
    http: httpx.AsyncClient, hub: Hub, live_hub: str
):
    from tests.services.graphql_ws import subscriber

    async def gauge() -> float:
        return value(await scrape(http), "hub_subscriptions_open")

    before = await gauge()
    # when a subscriber subscribes, the gauge counts it; once it has gone, it does not
    async with subscriber(live_hub) as socket:
        assert (await socket.init(hub.token("ocss_staff", jurisdiction="FED")))["type"] == (
            "connection_ack"
        )
        await socket.subscribe()
        for _ in range(100):
            if await gauge() == before + 1:
                break
            await asyncio.sleep(0.05)
        assert await gauge() == before + 1
    for _ in range(100):
        if await gauge() == before:
            break
        await asyncio.sleep(0.05)
    assert await gauge() == before
