"""Browser security: the CORS allow-list, and the CSRF rules already in force, over real HTTP.

A browser on another site can send "simple" requests without a preflight: a form post
(`text/plain`, `application/x-www-form-urlencoded`, `multipart/form-data`) or a GET (a link,
an image). None of them can carry the bearer token (it is no cookie), none has a JSON body,
and a GET cannot run a mutation: each is refused with a contract code, with or without a
token. CORS (HUB_CORS_ORIGINS) opens the hub to listed origins only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from settings import SettingsError, load_settings
from tests.conftest import Hub, serving
from tests.services.client_tls import CLIENT_TLS
from tests.transport.contract import codes

QUERY_VIEWER = "{ viewer { role } }"
MUTATION_RELEASE = 'mutation { releasePassport(id: "T2Zmc2V0Q2VydGlmaWNhdGlvbjoxMA") { status } }'
LISTED = "https://app.example.gov"
OTHER = "https://evil.example.com"

SIMPLE_REQUESTS: dict[str, tuple[str, dict[str, Any]]] = {
    "form post as text/plain": (
        "POST",
        {"content": f'{{"query": "{QUERY_VIEWER}"}}', "headers": {"Content-Type": "text/plain"}},
    ),
    "form post urlencoded": (
        "POST",
        {"data": {"query": QUERY_VIEWER}},
    ),
    "form post multipart": (
        "POST",
        {"files": {"query": (None, QUERY_VIEWER)}},
    ),
    "mutation over GET": ("GET", {"params": {"query": MUTATION_RELEASE}}),
}
EXPECTED = {
    "form post as text/plain": (400, "GRAPHQL_PARSE_FAILED"),
    "form post urlencoded": (400, "GRAPHQL_PARSE_FAILED"),
    "form post multipart": (400, "GRAPHQL_PARSE_FAILED"),
    "mutation over GET": (405, "BAD_USER_INPUT"),
}


@pytest.mark.parametrize("with_token", [False, True], ids=["no token", "a token"])
@pytest.mark.parametrize("shape", SIMPLE_REQUESTS, ids=SIMPLE_REQUESTS.keys())
async def test_csrf_simple_cross_site_requests_are_refused_with_codes(
    http: httpx.AsyncClient, hub: Hub, shape: str, with_token: bool
):
    # given a request a page on another site could make the browser send
    method, options = SIMPLE_REQUESTS[shape]
    headers = {**options.get("headers", {}), "Origin": OTHER}
    options = {k: v for k, v in options.items() if k != "headers"}
    if with_token:  # it cannot (the token is no cookie); refused even if it could
        headers |= hub.headers("state_worker", jurisdiction="06")
    # when it is sent
    answer = await http.request(method, "/graphql", headers=headers, **options)
    # then it is refused with a contract code, and no CORS header lets the page read it
    if shape == "form post as text/plain":
        assert answer.request.headers["content-type"] == "text/plain"
    status, code = (401, "UNAUTHENTICATED") if not with_token else EXPECTED[shape]
    assert answer.status_code == status
    assert codes(answer.json()["errors"]) == [code]
    assert "access-control-allow-origin" not in answer.headers


@pytest.fixture(scope="module")
def cors_hub(sqlite_hub: Hub) -> Iterator[str]:
    with serving(replace(sqlite_hub.settings, cors_origins=(LISTED,))) as url:
        yield url


def _preflight(origin: str, method: str = "POST", headers: str = "authorization,content-type"):
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers,
    }


async def test_cors_preflight_from_a_listed_origin_gets_the_allow_headers(cors_hub: str):
    async with httpx.AsyncClient(base_url=cors_hub, verify=CLIENT_TLS) as http:
        answer = await http.options("/graphql", headers=_preflight(LISTED))
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == LISTED
    assert set(answer.headers["access-control-allow-methods"].split(", ")) == {"GET", "POST"}
    allowed = answer.headers["access-control-allow-headers"].lower()
    assert {"authorization", "content-type"} <= set(allowed.split(", "))
    assert "access-control-allow-credentials" not in answer.headers


@pytest.mark.parametrize(
    "preflight",
    [_preflight(OTHER), _preflight(LISTED, method="DELETE"), _preflight(LISTED, headers="x-evil")],
    ids=["another origin", "another method", "another header"],
)
async def test_cors_preflight_otherwise_gets_no_allow_headers(
    cors_hub: str, preflight: dict[str, str]
):
    async with httpx.AsyncClient(base_url=cors_hub, verify=CLIENT_TLS) as http:
        answer = await http.options("/graphql", headers=preflight)
    assert answer.status_code == 403
    assert codes(answer.json()["errors"]) == ["FORBIDDEN"]
    assert not [name for name in answer.headers if name.startswith("access-control-")]


async def test_cors_request_from_a_listed_origin_is_readable_by_it_only(
    cors_hub: str, sqlite_hub: Hub
):
    headers = sqlite_hub.headers("analyst", jurisdiction="FED")
    async with httpx.AsyncClient(base_url=cors_hub, verify=CLIENT_TLS) as http:
        listed = await http.post(
            "/graphql", json={"query": QUERY_VIEWER}, headers={**headers, "Origin": LISTED}
        )
        other = await http.post(
            "/graphql", json={"query": QUERY_VIEWER}, headers={**headers, "Origin": OTHER}
        )
    assert listed.headers["access-control-allow-origin"] == LISTED
    assert "access-control-allow-origin" not in other.headers


async def test_cors_off_by_default_answers_no_preflight(http: httpx.AsyncClient):
    answer = await http.options("/graphql", headers=_preflight(LISTED))
    assert not [name for name in answer.headers if name.startswith("access-control-")]
    assert answer.status_code >= 400
    assert codes(answer.json()["errors"])


@pytest.mark.parametrize(
    "raw", ["*", "https://*.example.gov", "app.example.gov", "https://app.example.gov/path"]
)
def test_cors_origins_setting_takes_exact_origins_only(raw: str):
    with pytest.raises(SettingsError, match="HUB_CORS_ORIGINS must list exact origins"):
        load_settings({"HUB_CORS_ORIGINS": raw})


def test_cors_origins_setting_reads_a_comma_separated_list():
    settings = load_settings({"HUB_CORS_ORIGINS": f" {LISTED}, http://localhost:5173 ,"})
    assert settings.cors_origins == (LISTED, "http://localhost:5173")
