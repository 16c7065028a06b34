"""A compiled plan reads with as many statements as the standard path, whatever the page size."""

from __future__ import annotations

import httpx

from bench.operations import CASE_LIST
from tests.conftest import Hub
from tests.resolvers.test_loaders_statement_counts import QUERY_CASES_DEEP, count_statements

OCSS = {"jurisdiction": "FED", "fti": True}


async def _reads(client: httpx.AsyncClient, hub: Hub, query: str, first: int) -> int:
    """SELECTs one request sends to the systems it reads."""
    engines = client._transport.app.state.engines  # type: ignore[attr-defined]
    sources = {name: engines[name] for name in ("fcr", "ndnh", "offsets")}
    with count_statements(sources) as reads:
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": {"first": first}},
            headers=hub.headers("ocss_staff", **OCSS),
        )
    assert response.status_code == 200
    assert len(response.json()["data"]["cases"]["edges"]) == first
    return len([s for s in reads if s.lstrip().upper().startswith("SELECT")])


async def test_plans_read_with_one_statement_per_level_at_every_page_size(
    client: httpx.AsyncClient, hub: Hub, unbudgeted: None
):
    stats = client._transport.app.state.plans.stats  # type: ignore[attr-defined]
    for query in (QUERY_CASES_DEEP, CASE_LIST):
        # given the standard path's count for the document's first sight
        standard = await _reads(client, hub, query, 5)
        served = stats.served
        # when the plan answers it for 5, 50 and 100 cases
        planned = [await _reads(client, hub, query, first) for first in (5, 50, 100)]
        # then each request was the plan's, with the standard path's statements
        assert stats.served == served + 3
        assert planned == [standard] * 3, (standard, planned)
