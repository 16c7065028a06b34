"""Cases through real HTTP: cursors, and filters by state and status."""

from __future__ import annotations

import httpx

from tests.assertions import nonempty
from tests.conftest import Hub
from tests.resolvers.queries import QUERY_CASES, post


async def test_cases_page_through_with_cursors(http: httpx.AsyncClient, hub: Hub):
    # given a caseworker
    headers = hub.headers("state_worker", jurisdiction="06")
    # when two pages of cases are read
    one = (await post(http, headers, QUERY_CASES, first=3))["cases"]
    two = await post(http, headers, QUERY_CASES, first=3, after=one["pageInfo"]["endCursor"])
    # then they follow each other without overlap, and every case has its people and
    # the holding state's live view
    ids_one = [e["node"]["id"] for e in one["edges"]]
    ids_two = [e["node"]["id"] for e in two["cases"]["edges"]]
    assert len(ids_one) == 3
    assert len(ids_two) == 3
    assert not set(ids_one) & set(ids_two)
    assert one["totalCount"] > 50
    for edge in one["edges"]:
        roles = {p["role"] for p in edge["node"]["participants"]}
        assert {"CUSTODIAL_PARTY", "CHILD"} <= roles
        assert edge["node"]["worker"]["name"]
        assert edge["node"]["financials"]["arrears"]
        assert edge["node"]["activities"]


async def test_cases_filter_by_state_and_status(http: httpx.AsyncClient, hub: Hub):
    # given the tribes of the directory
    headers = hub.headers("ocss_staff", jurisdiction="FED", fti=True)
    tribes = await post(http, headers, "{ directory(kind: TRIBE) { edges { node { code } } } }")
    query = (
        "query($s: String) { cases(state: $s, status: OPEN, first: 100)"
        " { edges { node { status state { code kind } } } } }"
    )
    found = 0
    for edge in nonempty(tribes["directory"]["edges"], "directory(kind: TRIBE)"):
        code = edge["node"]["code"]
        # when open cases are asked for, tribe by tribe
        cases = (await post(http, headers, query, s=code))["cases"]["edges"]
        # then only that tribe's open cases come back
        assert {c["node"]["state"]["code"] for c in cases} <= {code}
        assert {c["node"]["state"]["kind"] for c in cases} <= {"TRIBE"}
        assert {c["node"]["status"] for c in cases} <= {"OPEN"}
        found += len(cases)
    assert found, "the demo data holds open tribal cases"
