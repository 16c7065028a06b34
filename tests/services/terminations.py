"""Reporting a termination that notifies a chosen state, over real HTTP, as an employer would."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from tests.conftest import Hub

EMPLOYER_FEIN = "90-0000001"
"""Employer 1 of the seed (scenarios.py), who may report terminations."""

QUERY_PARTICIPANTS = """
query Participants($after: String) { participants(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor }
  edges { node { id ssn lastName firstName
    cases { role case { status state { code } } } } } } }
"""
MUTATION_REPORT = """
mutation Report($input: ReportTerminationInput!) {
  reportTermination(input: $input) {
    notice { id employeeName terminatedOn states { code } }
    userErrors { field message code }
  }
}
"""


async def _data(
    http: httpx.AsyncClient, headers: dict[str, str], query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    body = response.json()
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


def _open_ncp_states(person: dict[str, Any]) -> set[str]:
    return {
        role["case"]["state"]["code"]
        for role in person["cases"]
        if role["role"] == "NONCUSTODIAL_PARENT" and role["case"]["status"] == "OPEN"
    }


async def parent_notifying_one_state(
    http: httpx.AsyncClient, hub: Hub, state: str | None = None
) -> tuple[str, Any]:
    """A state (`state`, if given), and a participant whose termination notifies it alone."""
    headers = hub.headers("ocss_staff", fti=True)
    after = None
    while True:
        page = (await _data(http, headers, QUERY_PARTICIPANTS, {"after": after}))["participants"]
        for edge in page["edges"]:
            states = _open_ncp_states(edge["node"])
            if len(states) == 1 and (state is None or state in states):
                return states.pop(), edge["node"]
        if not page["pageInfo"]["hasNextPage"]:
            raise AssertionError(
                f"the seed has no noncustodial parent of open cases of {state} alone"
            )
        after = page["pageInfo"]["endCursor"]


async def report_termination(http: httpx.AsyncClient, hub: Hub, person: Any) -> dict[str, Any]:
    """Report `person`'s termination as employer 1; the notice it made."""
    report = {
        "employeeSsn": person["ssn"],
        "employeeFirstName": person["firstName"],
        "employeeLastName": person["lastName"],
        "terminatedOn": str(date(2026, 11, 2)),
    }
    headers = hub.headers("employer", fein=EMPLOYER_FEIN)
    payload = (await _data(http, headers, MUTATION_REPORT, {"input": report}))["reportTermination"]
    assert payload["userErrors"] == [], payload["userErrors"]
    notice: dict[str, Any] = payload["notice"]
    return notice
