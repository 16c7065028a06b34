"""Employers through real HTTP: the e-IWO filter, every address kind, one by FEIN."""

from __future__ import annotations

import httpx

from tests.assertions import nonempty
from tests.conftest import Hub
from tests.resolvers.queries import QUERY_EMPLOYERS, post


async def test_employers_filter_and_detail(http: httpx.AsyncClient, hub: Hub):
    headers = hub.headers("analyst")
    with_eiwo = (await post(http, headers, QUERY_EMPLOYERS, eIwo=True))["employers"]
    without = (await post(http, headers, QUERY_EMPLOYERS, eIwo=False))["employers"]
    assert with_eiwo["totalCount"] > 0
    assert without["totalCount"] > 0
    assert all(e["node"]["eIwoParticipant"] for e in nonempty(with_eiwo["edges"], "employers"))
    kinds = {
        a["kind"] for e in with_eiwo["edges"] + without["edges"] for a in e["node"]["addresses"]
    }
    assert kinds == {
        "PAYROLL",
        "IWO",
        "SERVICE_OF_PROCESS",
        "VERIFICATION_OF_EMPLOYMENT",
        "MEDICAL_SUPPORT",
    }
    one = await post(http, headers, '{ employer(fein: "90-0000001") { fein name } }')
    assert one["employer"]["fein"] == "90-0000001"
    none = await post(http, headers, '{ employer(fein: "99-9999999") { fein } }')
    assert none["employer"] is None


async def test_employers_by_state_take_its_fips_code_or_its_postal_abbreviation(
    http: httpx.AsyncClient, hub: Hub
):
    headers = hub.headers("analyst")
    query = "query S($s: String) { employers(state: $s, first: 100) { edges { node { fein } } } }"

    async def feins(state: str) -> set[str]:
        found = await post(http, headers, query, s=state)
        return {e["node"]["fein"] for e in found["employers"]["edges"]}

    by_code, by_postal, lower = await feins("06"), await feins("CA"), await feins("ca")
    assert nonempty(sorted(by_code), "employers in California")
    assert by_code == by_postal == lower
    refused = await http.post(
        "/graphql", json={"query": query, "variables": {"s": "98"}}, headers=headers
    )
    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == "unknown state"
