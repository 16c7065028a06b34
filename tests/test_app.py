"""The HTTP surface: authentication, GraphiQL, and bad input as GraphQL errors."""

from __future__ import annotations

import time
from typing import Any

import httpx
import jwt
import pytest

from policy.tokens import issue_token
from tests.conftest import Hub

QUERY_VIEWER = "{ viewer { subject role jurisdiction fein ftiCleared } }"


def _codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body["errors"]]


async def test_viewer_shows_the_token_claims(http: httpx.AsyncClient, hub: Hub):
    # given a state worker's token with FTI clearance
    headers = hub.headers("state_worker", subject="w-1", jurisdiction="06", fti=True)
    # when the viewer is asked for over real HTTP
    response = await http.post("/graphql", json={"query": QUERY_VIEWER}, headers=headers)
    # then the claims come back
    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "viewer": {
                "subject": "w-1",
                "role": "state_worker",
                "jurisdiction": "06",
                "fein": None,
                "ftiCleared": True,
            }
        }
    }


def _forged_tokens(hub: Hub) -> dict[str, str]:
    settings = hub.settings.token
    now = int(time.time())
    claims = {
        "sub": "x",
        "role": "ocss_staff",
        "iat": now,
        "exp": now + 600,
        "iss": settings.issuer,
        "aud": settings.audience,
    }
    return {
        "expired": issue_token(settings, role="analyst", ttl_seconds=1, now=now - 120),
        "unsigned": jwt.encode(claims, key="", algorithm="none"),
        "wrong key": jwt.encode(claims, "another-secret-" * 8, "HS256"),
        "wrong issuer": jwt.encode({**claims, "iss": "elsewhere"}, settings.secret, "HS256"),
        "wrong audience": jwt.encode({**claims, "aud": "elsewhere"}, settings.secret, "HS256"),
        "other algorithm": jwt.encode(claims, settings.secret, "HS512"),
        "unknown role": jwt.encode({**claims, "role": "root"}, settings.secret, "HS256"),
        "garbage": "not-a-jwt",
    }


@pytest.mark.parametrize(
    "kind",
    [
        "expired",
        "unsigned",
        "wrong key",
        "wrong issuer",
        "wrong audience",
        "other algorithm",
        "unknown role",
        "garbage",
    ],
)
async def test_refused_token_gets_401(http: httpx.AsyncClient, hub: Hub, kind: str):
    # given a token that must be refused
    token = _forged_tokens(hub)[kind]
    # when it is used
    response = await http.post(
        "/graphql", json={"query": QUERY_VIEWER}, headers={"Authorization": f"Bearer {token}"}
    )
    # then 401 UNAUTHENTICATED
    assert response.status_code == 401
    assert _codes(response.json()) == ["UNAUTHENTICATED"]


async def test_missing_token_gets_401(http: httpx.AsyncClient):
    response = await http.post("/graphql", json={"query": QUERY_VIEWER})
    assert response.status_code == 401
    assert _codes(response.json()) == ["UNAUTHENTICATED"]
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_graphiql_page_needs_no_token_and_sets_no_cookie(http: httpx.AsyncClient):
    # when a browser opens /graphql
    response = await http.get("/graphql", headers={"Accept": "text/html"})
    # then it gets GraphiQL from the hub's own assets, and no cookie
    assert response.status_code == 200
    assert "graphiql-assets/graphiql.js" in response.text
    assert "set-cookie" not in response.headers
    assert "https://" not in response.text


async def test_get_query_needs_a_token(http: httpx.AsyncClient):
    response = await http.get(
        "/graphql", params={"query": QUERY_VIEWER}, headers={"Accept": "text/html"}
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("body", "content_type", "code"),
    [
        (b"{not json", "application/json", "GRAPHQL_PARSE_FAILED"),
        (b'{"query": 5}', "application/json", "GRAPHQL_PARSE_FAILED"),
        (b"query=x", "text/plain", "GRAPHQL_PARSE_FAILED"),
    ],
)
async def test_malformed_request_is_a_graphql_error(
    http: httpx.AsyncClient, hub: Hub, body: bytes, content_type: str, code: str
):
    # when a request body is not a GraphQL request
    response = await http.post(
        "/graphql",
        content=body,
        headers={**hub.headers("analyst"), "Content-Type": content_type},
    )
    # then a GraphQL error with a contract code, not a 500
    assert response.status_code == 400
    assert _codes(response.json()) == [code]


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{ viewer { subject ", None, "GRAPHQL_PARSE_FAILED"),
        ("{ viewer { nothingHere } }", None, "GRAPHQL_VALIDATION_FAILED"),
        (
            "query($n: Int) { cases(first: $n) { totalCount } }",
            {"n": "many"},
            "BAD_USER_INPUT",
        ),
        ('{ cases(after: "bm90LW91cnM") { totalCount } }', None, "BAD_USER_INPUT"),
        ("{ cases(first: 1000) { totalCount } }", None, "BAD_USER_INPUT"),
        ('{ participant(id: "%%%") { id } }', None, "BAD_USER_INPUT"),
        ('{ employer(fein: "123") { id } }', None, "BAD_USER_INPUT"),
    ],
)
async def test_bad_input_gets_a_contract_code(
    http: httpx.AsyncClient, hub: Hub, query: str, variables: object, code: str
):
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers=hub.headers("analyst"),
    )
    assert response.status_code in (200, 400)
    assert _codes(response.json()) == [code]


async def test_cursor_of_another_list_is_refused(http: httpx.AsyncClient, hub: Hub):
    # given a cursor of the participants list
    headers = hub.headers("ocss_staff")
    first = await http.post(
        "/graphql",
        json={"query": "{ participants(first: 1) { pageInfo { endCursor } } }"},
        headers=headers,
    )
    cursor = first.json()["data"]["participants"]["pageInfo"]["endCursor"]
    # when it is used on cases
    response = await http.post(
        "/graphql",
        json={
            "query": "query($c: String) { cases(after: $c) { totalCount } }",
            "variables": {"c": cursor},
        },
        headers=headers,
    )
    # then it is refused as bad input
    assert _codes(response.json()) == ["BAD_USER_INPUT"]


async def test_oversized_body_is_refused(http: httpx.AsyncClient, hub: Hub):
    padding = "x" * (hub.settings.max_body_bytes + 1)
    response = await http.post(
        "/graphql",
        json={"query": QUERY_VIEWER, "variables": {"pad": padding}},
        headers=hub.headers("analyst"),
    )
    assert response.status_code == 413
    assert _codes(response.json()) == ["BAD_USER_INPUT"]


async def test_too_deep_an_operation_is_refused(http: httpx.AsyncClient, hub: Hub):
    # given a query that walks participants and cases back and forth past the depth limit
    hop = "participants { participant { cases { case { "
    query = "{ cases(first: 1) { edges { node { " + hop * 4 + "id" + " } } } }" * 4 + " } } } }"
    # when it is sent
    response = await http.post("/graphql", json={"query": query}, headers=hub.headers("analyst"))
    # then it is refused before it runs
    assert _codes(response.json()) == ["OPERATION_TOO_COMPLEX"]


@pytest.mark.parametrize(
    "query",
    [
        "{ " + " ".join(f"a{i}: viewer {{ role }}" for i in range(51)) + " }",
        "{ viewer { " + "role " * 10_001 + "} }",
    ],
    ids=["aliases", "tokens"],
)
async def test_operation_limits(http: httpx.AsyncClient, hub: Hub, query: str):
    response = await http.post("/graphql", json={"query": query}, headers=hub.headers("analyst"))
    assert _codes(response.json()) == ["OPERATION_TOO_COMPLEX"]


async def test_healthz(http: httpx.AsyncClient):
    response = await http.get("/healthz")
    assert response.json() == {"status": "ok"}
