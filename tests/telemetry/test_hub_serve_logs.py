"""`hub serve` as a process: JSON lines by default, its access line, never a query string."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.conftest import Hub
from tests.log_capture import CAPTURE
from tests.services.hub_process import hub_process

SEARCH = "query Search($ssn: String) { participants(ssn: $ssn) { totalCount } }"
SSN = "912-34-5678"
"""Synthetic (area 9xx): no person's."""


def test_hub_serve_writes_json_lines_without_the_query_string(sqlite_hub: Hub, tmp_path: Path):
    # given `hub serve` as its own process, with its default log format
    data_dir = tmp_path / "serve"
    with hub_process(sqlite_hub, None, data_dir) as url:
        # when a GET carries a query and its variables (with an SSN) in its query string
        with httpx.Client(base_url=url) as http:
            response = http.get(
                "/graphql",
                params={"query": SEARCH, "variables": json.dumps({"ssn": SSN})},
                headers={
                    **sqlite_hub.headers("state_worker", jurisdiction="06"),
                    "Accept": "application/json",
                    "X-Request-Id": "serve-get-1",
                },
            )
            assert response.status_code == 200
            assert response.headers["x-request-id"] == "serve-get-1"
    seen = len(CAPTURE.lines)
    lines = (data_dir / "hub.log").read_text().splitlines()
    # then every line it wrote is a JSON object, uvicorn's among them
    parsed = [json.loads(line) for line in lines]
    assert {"uvicorn.error", "hub.access"} <= {line["logger"] for line in parsed}
    (access,) = [line for line in parsed if line.get("request_id") == "serve-get-1"]
    assert access["logger"] == "hub.access"
    assert access["method"] == "GET"
    assert access["route"] == "/graphql"
    assert access["operation"] == "Search"
    # and none holds the query, its variables or the SSN; the session's scan has them too
    text = "\n".join(lines)
    for leaked in ("query=", "participants", SSN, SSN.replace("-", "")):
        assert leaked not in text, leaked
    assert CAPTURE.lines[seen - len(lines) : seen] == lines


@pytest.mark.parametrize("log_format", ["text"])
def test_hub_serve_writes_text_lines_when_told(sqlite_hub: Hub, tmp_path: Path, log_format: str):
    data_dir = tmp_path / "serve-text"
    with hub_process(sqlite_hub, None, data_dir, HUB_LOG_FORMAT=log_format) as url:
        assert httpx.get(f"{url}/healthz").status_code == 200
    lines = (data_dir / "hub.log").read_text().splitlines()
    assert lines
    assert not [line for line in lines if line.startswith("{")]
    access = [line for line in lines if " INFO hub.access request" in line]
    assert access
    assert all("route=/healthz" in line and "status=200" in line for line in access)
