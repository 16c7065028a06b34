"""A page counts every match only when the client asks for `totalCount`."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import Hub
from tests.resolvers.test_loaders_statement_counts import count_statements

OCSS = {"jurisdiction": "FED", "fti": True}


async def _counts(client: httpx.AsyncClient, hub: Hub, query: str) -> tuple[int, dict[str, object]]:
    engines = client._transport.app.state.engines  # type: ignore[attr-defined]
    with count_statements({"fcr": engines["fcr"]}) as statements:
        response = await client.post(
            "/graphql", json={"query": query}, headers=hub.headers("ocss_staff", **OCSS)
        )
    body = response.json()
    assert "errors" not in body
    return sum("count(" in s.lower() for s in statements), body["data"]


@pytest.mark.parametrize(
    ("query", "counted"),
    [
        ("{ cases(first: 3) { edges { node { id } } } }", 0),
        ("{ cases(first: 3) { totalCount edges { node { id } } } }", 1),
        ("{ cases(first: 3) { ...Total } } fragment Total on CaseConnection { totalCount }", 1),
        ("{ cases(first: 3) { ... on CaseConnection { n: totalCount } } }", 1),
        ("{ participants(first: 3) { pageInfo { hasNextPage } } }", 0),
        ("{ participants(first: 3) { totalCount } }", 1),
    ],
)
async def test_a_page_is_counted_only_when_total_count_is_asked(
    client: httpx.AsyncClient, hub: Hub, query: str, counted: int
):
    # sent twice: the first answer is the standard path's, the second a compiled plan's
    for _ in range(2):
        counts, data = await _counts(client, hub, query)
        assert counts == counted
        connection = next(iter(data.values()))
        assert isinstance(connection, dict)
        if counted:
            total = connection.get("totalCount", connection.get("n"))
            assert isinstance(total, int)
            assert total > 0
