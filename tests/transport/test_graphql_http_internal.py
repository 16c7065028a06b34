"""A failure of the hub's own (a bug) answers 500 INTERNAL_SERVER_ERROR and logs only its type."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import Hub
from tests.log_capture import ssn_findings
from tests.transport.conftest import LogWindow
from tests.transport.contract import codes
from transport.graphql_http import HubGraphQL

SSN = "912-34-5678"


async def test_an_unexpected_failure_is_500_with_a_code_and_a_type_in_the_log(
    client: httpx.AsyncClient, hub: Hub, monkeypatch: pytest.MonkeyPatch, test_log: LogWindow
):
    # given a view that fails in a way nobody foresaw, with an SSN in the exception
    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError(f"bug while reading {SSN}")

    monkeypatch.setattr(HubGraphQL, "execute_single", broken)
    # when a request reaches it
    response = await client.post(
        "/graphql", json={"query": "{ viewer { role } }"}, headers=hub.headers("analyst")
    )
    # then a 500 with the contract's code and no detail
    assert response.status_code == 500
    assert codes(response.json()["errors"]) == ["INTERNAL_SERVER_ERROR"]
    assert SSN not in response.text
    # and the log names the type of the failure, nothing of its message
    assert any("request not handled (RuntimeError)" in line for line in test_log.lines)
    assert not ssn_findings(test_log.lines, [SSN])
