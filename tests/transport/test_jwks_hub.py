"""A production `hub serve` process that takes its tokens from an identity provider.

The provider is a real JWKS server; the hub reads it over HTTP. Each role signs in with a
provider-signed token over HTTP, a WebSocket's `connection_init` carries one, and the
provider rotates its keys while the hub runs: what the hub reads is counted by the provider.
The token path does not touch the source databases, so one backend (SQLite) serves.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from policy.tokens import issue_token
from settings import TokenSettings
from tests.conftest import Hub
from tests.policy.test_access_contract import CLAIMS_OF_ROLE
from tests.services.graphql_ws import subscriber
from tests.services.hub_process import hub_process
from tests.services.jwks_server import Provider, claims_for, ec_key, identity_provider, rsa_key

VIEWER = "{ viewer { subject role jurisdiction fein } }"
SECRET = "production-jwks-test-secret-" + "j" * 64
REFETCH_SECONDS = 2.0
FIRST = rsa_key("first")
SECOND = ec_key("second")


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with identity_provider(FIRST, SECOND) as provider:
        yield provider


@pytest.fixture(scope="module")
def hub_url(
    sqlite_hub: Hub, provider: Provider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    env = {
        "HUB_ENV": "production",
        "HUB_TOKEN_SECRET": SECRET,
        "HUB_JWKS_URL": provider.url,
        "HUB_JWKS_REFETCH_INTERVAL": str(REFETCH_SECONDS),
    }
    with hub_process(sqlite_hub, None, tmp_path_factory.mktemp("jwks-hub"), **env) as url:
        yield url


@pytest.fixture(scope="module")
def token_settings(sqlite_hub: Hub) -> TokenSettings:
    return sqlite_hub.settings.token


async def _viewer(url: str, token: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        return await client.post(
            "/graphql", json={"query": VIEWER}, headers={"Authorization": f"Bearer {token}"}
        )


@pytest.mark.parametrize("role", list(CLAIMS_OF_ROLE))
async def test_each_role_signs_in_with_a_provider_token(
    hub_url: str, token_settings: TokenSettings, role: str
):
    claims: dict[str, Any] = dict(CLAIMS_OF_ROLE[role])
    key = FIRST if len(role) % 2 else SECOND  # both algorithms across the roles
    response = await _viewer(hub_url, key.sign(claims_for(token_settings, role, **claims)))
    assert response.status_code == 200, response.text
    viewer = response.json()["data"]["viewer"]
    assert (viewer["subject"], viewer["role"]) == (f"{role}-idp", role)
    assert (viewer["jurisdiction"], viewer["fein"]) == (
        claims.get("jurisdiction"),
        claims.get("fein"),
    )


async def test_hmac_tokens_are_refused_in_production_with_a_provider(
    hub_url: str, token_settings: TokenSettings
):
    # the test hub's development key, and the production hub's own secret: both HMAC
    production = TokenSettings(SECRET, token_settings.issuer, token_settings.audience, "HS256")
    for token in (
        issue_token(token_settings, role="auditor", jurisdiction="FED"),
        issue_token(production, role="auditor", jurisdiction="FED"),
    ):
        response = await _viewer(hub_url, token)
        assert response.status_code == 401
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_token_of_an_unknown_key_is_unauthenticated(
    hub_url: str, token_settings: TokenSettings
):
    token = rsa_key("stranger").sign(claims_for(token_settings, "analyst"))
    response = await _viewer(hub_url, token)
    assert response.status_code == 401
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["message"] == "token is signed by a key the hub does not know"


async def test_a_websocket_signs_in_with_a_provider_token(
    hub_url: str, token_settings: TokenSettings
):
    token = SECOND.sign(claims_for(token_settings, "ocss_staff", jurisdiction="FED"))
    async with subscriber(hub_url) as ocss:
        assert (await ocss.init(token))["type"] == "connection_ack"
    foreign = ec_key(SECOND.kid).sign(claims_for(token_settings, "ocss_staff", jurisdiction="FED"))
    async with subscriber(hub_url) as stranger:
        await stranger.socket.send(
            '{"type": "connection_init", "payload": {"authorization": "Bearer ' + foreign + '"}}'
        )
        assert await stranger.closed_with() == 4401


async def test_the_provider_rotates_its_keys_mid_run(
    hub_url: str, provider: Provider, token_settings: TokenSettings
):
    # given the hub running on the provider's first keys (read once at start)
    claims = claims_for(token_settings, "analyst")
    assert (await _viewer(hub_url, FIRST.sign(claims))).status_code == 200
    reads = provider.reads
    # when the provider publishes a new key beside the old and signs with it
    third = rsa_key("third")
    strangers = [rsa_key(f"stranger-{index}").sign(claims) for index in range(10)]
    provider.publish(FIRST, SECOND, third)
    await asyncio.sleep(REFETCH_SECONDS)  # past the refetch interval since the last read
    answers = await asyncio.gather(*(_viewer(hub_url, third.sign(claims)) for _ in range(10)))
    # then ten concurrent requests of the new kid cost one read; the old kid still passes
    assert [answer.status_code for answer in answers] == [200] * 10
    assert provider.reads == reads + 1
    assert (await _viewer(hub_url, FIRST.sign(claims))).status_code == 200
    # and unknown kids right after it cost no read at all: the refetch is bounded
    refused = await asyncio.gather(*(_viewer(hub_url, token) for token in strangers))
    assert [answer.status_code for answer in refused] == [401] * 10
    assert provider.reads == reads + 1
