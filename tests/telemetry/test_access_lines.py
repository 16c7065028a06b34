"""The request id both ways, and the one JSON access line per request, over real HTTP."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from telemetry.logs import build_handler
from tests.conftest import Hub
from tests.log_capture import KNOWN_VALUES, pii_kind
from tests.telemetry.test_metrics_http import CASES, SEARCH, _a_seeded_ssn

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
FIELDS = {
    "time", "level", "logger", "message", "request_id", "method", "route", "status",
    "duration_ms", "operation", "role", "jurisdiction", "codes",
}  # fmt: skip


@contextmanager
def json_log() -> Iterator[io.StringIO]:
    """What the JSON handler `hub serve` installs writes while the block runs."""
    stream = io.StringIO()
    handler = build_handler("json", stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def access_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [line for line in lines if line["logger"] == "hub.access"]


async def logged(stream: io.StringIO, *request_ids: str) -> dict[str, dict[str, Any]]:
    """The access lines by request id, once those of `request_ids` are written.

    The line is written once the answer has left, so the client may read its answer
    a moment before the server's thread writes it.
    """
    for _ in range(200):
        lines = {line["request_id"]: line for line in access_lines(stream)}
        if set(request_ids) <= set(lines):
            return lines
        await asyncio.sleep(0.02)
    raise AssertionError(f"no access line for {set(request_ids) - set(lines)}")


async def test_the_request_id_comes_from_traceparent_or_x_request_id_and_goes_back(
    http: httpx.AsyncClient, hub: Hub
):
    headers = hub.headers("ocss_staff", fti=True)
    body = {"query": CASES}
    # a traceparent's trace-id is the request's id
    traced = await http.post("/graphql", json=body, headers={**headers, "traceparent": TRACEPARENT})
    assert traced.headers["x-request-id"] == TRACE_ID
    # a well-formed X-Request-Id is kept
    given = await http.post("/graphql", json=body, headers={**headers, "X-Request-Id": "lb-7.a_b"})
    assert given.headers["x-request-id"] == "lb-7.a_b"
    # a hostile one (too long, or with a quote, a space, a newline's escape) is replaced
    for hostile in ("a" * 65, 'x"y', "a b", "%0aforged"):
        answer = await http.post(
            "/graphql", json=body, headers={**headers, "X-Request-Id": hostile}
        )
        assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["x-request-id"]), hostile
    # a malformed traceparent falls back, and a refusal carries its id too
    zero = f"00-{'0' * 32}-00f067aa0ba902b7-01"
    refused = await http.post("/graphql", json=body, headers={"traceparent": zero})
    assert refused.status_code == 401
    assert re.fullmatch(r"[0-9a-f]{32}", refused.headers["x-request-id"])
    # and every new id is its own
    ids = {(await http.get("/healthz")).headers["x-request-id"] for _ in range(3)}
    assert len(ids) == 3


@pytest.fixture
def quiet_client() -> Iterator[None]:
    """The test's own client logs the URLs it asks, query string and all (the hub never)."""
    client_log = logging.getLogger("httpx")
    level = client_log.level
    client_log.setLevel(logging.WARNING)
    yield
    client_log.setLevel(level)


@pytest.mark.usefixtures("quiet_client")
async def test_each_request_writes_one_json_access_line_without_values(
    http: httpx.AsyncClient, hub: Hub
):
    headers = hub.headers("state_worker", jurisdiction="06")
    ssn = _a_seeded_ssn()
    with json_log() as stream:
        # when a search by SSN, a GET with the query and variables in its query string,
        # and a request with a syntax error arrive
        search = {"query": SEARCH, "variables": {"ssn": ssn}}
        await http.post("/graphql", json=search, headers={**headers, "X-Request-Id": "search-1"})
        await http.get(
            "/graphql",
            params={"query": SEARCH, "variables": json.dumps({"ssn": ssn})},
            headers={**headers, "X-Request-Id": "get-1", "Accept": "application/json"},
        )
        await http.post(
            "/graphql",
            json={"query": "query Broken {"},
            headers={**headers, "X-Request-Id": "bad-1"},
        )
        lines = await logged(stream, "search-1", "get-1", "bad-1")
    # then each wrote one line, of JSON, with the fields
    for line in lines.values():
        assert FIELDS <= set(line), FIELDS - set(line)
    searched = lines["search-1"]
    assert searched["operation"] == "Search"
    assert searched["route"] == "/graphql"
    assert searched["role"] == "state_worker"
    assert searched["jurisdiction"] == "06"
    assert searched["status"] == 200
    assert searched["method"] == "POST"
    assert isinstance(searched["duration_ms"], float)
    assert lines["get-1"]["method"] == "GET"
    assert lines["get-1"]["operation"] == "Search"
    assert lines["bad-1"]["codes"] == ["GRAPHQL_PARSE_FAILED"]
    # and nothing of the query, its variables or the query string is in any line
    text = stream.getvalue()
    for leaked in ("participants", "query=", "variables", ssn, ssn.replace("-", "")):
        assert leaked not in text, leaked
    assert not [line for line in text.splitlines() if pii_kind(line, KNOWN_VALUES)]


async def test_a_hostile_operation_name_cannot_add_a_field_or_a_line(
    http: httpx.AsyncClient, hub: Hub
):
    headers = hub.headers("ocss_staff", fti=True)
    forged = 'Cases", "role": "admin"}\n{"logger": "hub.access", "status": 200'
    with json_log() as stream:
        await http.post(
            "/graphql",
            json={"query": CASES, "operationName": forged},
            headers={**headers, "X-Request-Id": "forged-1"},
        )
        await logged(stream, "forged-1")
    lines = [line for line in access_lines(stream) if line["request_id"] == "forged-1"]
    assert len(lines) == 1
    assert lines[0]["operation"] == "invalid"
    assert lines[0]["role"] == "ocss_staff"
    assert "admin" not in stream.getvalue()


@pytest.mark.usefixtures("quiet_client")
async def test_a_document_route_is_logged_by_its_template(http: httpx.AsyncClient, hub: Hub):
    with json_log() as stream:
        await http.get("/documents/912345678/content", headers={"X-Request-Id": "doc-1"})
        await http.get("/no/such/912-34-5678", headers={"X-Request-Id": "none-1"})
        lines = await logged(stream, "doc-1", "none-1")
    assert lines["doc-1"]["route"] == "/documents/{id}/content"
    assert lines["none-1"]["route"] == "unmatched"
    assert lines["none-1"]["status"] == 404
