"""`node(id:)` through real HTTP finds each node type by the id its list gave."""

from __future__ import annotations

import httpx
import pytest

from tests.assertions import nonempty
from tests.conftest import Hub
from tests.resolvers.queries import post


@pytest.mark.parametrize(
    ("root", "query"),
    [
        ("participants", "{ participants(first: 2) { edges { node { id __typename } } } }"),
        ("cases", "{ cases(first: 2) { edges { node { id __typename } } } }"),
        ("employers", "{ employers(first: 2) { edges { node { id __typename } } } }"),
        (
            "offsetCertifications",
            "{ offsetCertifications(first: 2) { edges { node { id __typename } } } }",
        ),
        ("directory", "{ directory(first: 2) { edges { node { id __typename } } } }"),
    ],
)
async def test_node_finds_every_node_type(http: httpx.AsyncClient, hub: Hub, root: str, query: str):
    headers = hub.headers("ocss_staff", jurisdiction="FED", fti=True)
    for edge in nonempty((await post(http, headers, query))[root]["edges"], root):
        found = await post(
            http,
            headers,
            "query($id: ID!) { node(id: $id) { id __typename } }",
            id=edge["node"]["id"],
        )
        assert found["node"] == edge["node"]
