"""Every role reads the jurisdiction directory, page after page, through real HTTP."""

from __future__ import annotations

import httpx
import pytest

from policy.tokens import ROLES
from tests.conftest import Hub
from tests.resolvers.queries import JURISDICTION_OF_ROLE, QUERY_DIRECTORY, post


@pytest.mark.parametrize("role", ROLES)
async def test_every_role_reads_the_directory(http: httpx.AsyncClient, hub: Hub, role: str):
    # given a token of each role
    jurisdiction = JURISDICTION_OF_ROLE.get(role, "06")
    headers = hub.headers(role, jurisdiction=jurisdiction, fein="90-0000001")
    # when the states of the directory are read
    data = await post(http, headers, QUERY_DIRECTORY, kind="STATE")
    # then all 54 state jurisdictions are there, California among them
    assert data["directory"]["totalCount"] == 54
    codes = [edge["node"]["code"] for edge in data["directory"]["edges"]]
    assert "06" in codes


async def test_directory_pages_walk_every_entry_once(http: httpx.AsyncClient, hub: Hub):
    headers = hub.headers("analyst")
    seen: list[str] = []
    after = None
    while True:
        data = (await post(http, headers, QUERY_DIRECTORY, after=after))["directory"]
        seen += [edge["node"]["code"] for edge in data["edges"]]
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == data["totalCount"]
    assert {"06", "T0001", "CA", "FED"} <= set(seen)
