"""Tokens signed by an identity provider's keys, read from its JWKS URL over real HTTP.

The provider (tests/services/jwks_server.py) is a real HTTP server; the source's clock is
the tests' own, so what is bounded is counted (reads of the URL), never timed.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization

from datasources.http_jwks import HttpJwksSource, build_identity_keys, cache_max_age
from policy.tokens import (
    ClaimsRefused,
    TokenRefused,
    authenticate,
    issue_token,
    verify_any_token,
    verify_token,
)
from settings import JwksSettings, TokenSettings, load_settings
from tests.services.jwks_server import Provider, SigningKey, claims_for, ec_key, rsa_key
from tests.services.jwks_server import identity_provider as serve_provider

DEVELOPMENT = load_settings({"HUB_ENV": "development"}).token
SETTINGS = dataclasses.replace(DEVELOPMENT, jwks=JwksSettings(url="http://127.0.0.1:1/jwks"))
RSA = rsa_key("rsa-1")
EC = ec_key("ec-1")
REFETCH = 30.0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def provider_server() -> Iterator[Provider]:
    with serve_provider(RSA, EC) as provider:
        yield provider


@pytest.fixture
def provider(provider_server: Provider) -> Provider:
    provider_server.publish(RSA, EC)
    provider_server.status = 200
    provider_server.cache_control = None
    provider_server.reads = 0
    return provider_server


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def keys(provider: Provider, clock: Clock) -> AsyncIterator[HttpJwksSource]:
    source = HttpJwksSource(
        httpx.AsyncClient(),
        url=provider.url,
        timeout=5,
        refetch_interval=REFETCH,
        max_age=600,
        clock=clock,
    )
    yield source
    await source.close()


def _token(key: SigningKey, role: str = "state_worker", **header: Any) -> str:
    claims = {"jurisdiction": "06"} if role == "state_worker" else {}
    return key.sign(claims_for(SETTINGS, role, **claims), **header)


def _segment(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


async def _refused(token: str, keys: HttpJwksSource, settings: TokenSettings = SETTINGS) -> str:
    with pytest.raises(TokenRefused) as refused:
        await verify_any_token(token, settings, keys)
    return str(refused.value)


@pytest.mark.parametrize("key", [RSA, EC], ids=["RS256", "ES256"])
async def test_a_token_signed_by_a_published_key_names_its_viewer(
    keys: HttpJwksSource, key: SigningKey
):
    viewer = await authenticate(f"Bearer {_token(key)}", SETTINGS, keys)
    assert (viewer.subject, viewer.role, viewer.jurisdiction) == (
        "state_worker-idp",
        "state_worker",
        "06",
    )
    assert keys.reads == 1


async def test_hmac_tokens_keep_working_beside_the_provider(keys: HttpJwksSource):
    token = issue_token(SETTINGS, role="auditor")
    assert (await authenticate(f"Bearer {token}", SETTINGS, keys)).role == "auditor"
    assert keys.reads == 0  # an HMAC token never asks the provider


def _alg_confusions() -> dict[str, str]:
    claims = claims_for(SETTINGS, "auditor")
    rsa_pem = RSA.private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signature = RSA.sign(claims).rsplit(".", 1)[1]
    body = _segment(claims)
    return {
        # alg none, with and without a known kid
        "none": f"{_segment({'alg': 'none', 'kid': RSA.kid})}.{body}.",
        "none-no-kid": f"{_segment({'alg': 'none'})}.{body}.",
        # the RSA public key used as an HMAC secret (PyJWT refuses PEM keys for HMAC: hand-made)
        "hs256-with-public-key": _hmac_token(claims, rsa_pem, kid=RSA.kid),
        # an RSA signature presented as ES256 under the RSA key's kid, and the reverse
        "es256-header-rsa-key": f"{_segment({'alg': 'ES256', 'kid': RSA.kid})}.{body}.{signature}",
        "rs256-header-ec-key": f"{_segment({'alg': 'RS256', 'kid': EC.kid})}.{body}.{signature}",
        # a JWKS algorithm outside the two pinned ones
        "ps256": f"{_segment({'alg': 'PS256', 'kid': RSA.kid})}.{body}.{signature}",
        # an ES256 token signed by a key that is not published, under a published kid
        "foreign-key-known-kid": ec_key(EC.kid).sign(claims),
        "no-kid": f"{_segment({'alg': 'RS256'})}.{body}.{signature}",
        "kid-not-text": f"{_segment({'alg': 'RS256', 'kid': 7})}.{body}.{signature}",
        "kid-too-long": f"{_segment({'alg': 'RS256', 'kid': 'k' * 500})}.{body}.{signature}",
        "header-not-json": f"bm90LWpzb24.{body}.{signature}",
    }


def _hmac_token(claims: dict[str, Any], secret: bytes, *, kid: str) -> str:
    import hashlib
    import hmac

    signing_input = f"{_segment({'alg': 'HS256', 'typ': 'JWT', 'kid': kid})}.{_segment(claims)}"
    digest = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(digest).rstrip(b'=').decode()}"


@pytest.mark.parametrize("case", list(_alg_confusions()))
async def test_a_token_whose_alg_is_not_its_keys_is_refused(keys: HttpJwksSource, case: str):
    message = await _refused(_alg_confusions()[case], keys)
    assert message in ("token is not valid", "token names no signing key")


async def test_hs256_signed_with_the_public_key_is_refused_without_a_secret_too(
    keys: HttpJwksSource,
):
    # given a hub that accepts no HMAC tokens (production with a provider)
    settings = dataclasses.replace(SETTINGS, hmac=False)
    # then neither the public key as secret nor a token of the hub's own secret passes
    assert await _refused(_alg_confusions()["hs256-with-public-key"], keys, settings)
    assert await _refused(issue_token(SETTINGS, role="auditor"), keys, settings)


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"iss": "someone-else"}, "token is not valid"),
        ({"aud": "someone-else"}, "token is not valid"),
        ({"exp": 1}, "token has expired"),
        ({"nbf": 4_000_000_000}, "token is not valid"),
        ({"role": "superuser"}, "token names no known role"),
        ({"jurisdiction": None}, "token refused: state_worker tokens need a jurisdiction"),
    ],
    ids=["iss", "aud", "exp", "nbf", "role", "claims"],
)
async def test_a_provider_token_is_held_to_the_same_claims(
    keys: HttpJwksSource, claims: dict[str, Any], message: str
):
    base = claims_for(SETTINGS, "state_worker", jurisdiction="06")
    token = RSA.sign({k: v for k, v in (base | claims).items() if v is not None})
    assert (await _refused(token, keys)).startswith(message)


async def test_a_token_within_the_leeway_of_its_expiry_passes(keys: HttpJwksSource):
    claims = claims_for(SETTINGS, "auditor")
    claims["exp"] = int(claims["iat"]) - SETTINGS.leeway_seconds // 2  # expired, within leeway
    assert (await verify_any_token(RSA.sign(claims), SETTINGS, keys)).role == "auditor"


async def test_rotation_keeps_old_kids_until_removed_and_reads_once_for_a_new_one(
    keys: HttpJwksSource, provider: Provider, clock: Clock
):
    # given the provider's keys, read once
    assert (await verify_any_token(_token(RSA), SETTINGS, keys)).role == "state_worker"
    assert provider.reads == 1
    # when it rotates: a new key published beside the old
    new = rsa_key("rsa-2")
    provider.publish(RSA, new)
    clock.now += REFETCH
    # then the old kid still answers from the cache, and the new kid costs one read
    await verify_any_token(_token(RSA), SETTINGS, keys)
    assert provider.reads == 1
    for _ in range(5):
        await verify_any_token(_token(new), SETTINGS, keys)
    assert provider.reads == 2
    # when the old key is removed, the next read drops it
    provider.publish(new)
    clock.now += REFETCH
    await keys.refresh()
    assert provider.reads == 3
    assert keys.kids == {"rsa-2"}
    assert await _refused(_token(RSA), keys) == "token is signed by a key the hub does not know"


async def test_unknown_kids_read_at_most_once_per_interval(
    keys: HttpJwksSource, provider: Provider, clock: Clock
):
    await keys.refresh()
    assert provider.reads == 1
    # unknown kids within the interval: no read at all
    for index in range(20):
        await _refused(_token(rsa_key(f"unknown-{index}")), keys)
    assert provider.reads == 1
    # past it: one read, then none again
    clock.now += REFETCH
    for index in range(20):
        await _refused(_token(rsa_key(f"later-{index}")), keys)
    assert provider.reads == 2


async def test_concurrent_unknown_kids_share_one_read(
    keys: HttpJwksSource, provider: Provider, clock: Clock
):
    # given no keys read yet, and fifty requests with kids the hub does not know
    fresh = ec_key("fresh")
    provider.publish(RSA, EC, fresh)
    tokens = [_token(fresh) for _ in range(25)] + [_token(rsa_key()) for _ in range(25)]
    outcomes = await asyncio.gather(
        *(verify_any_token(token, SETTINGS, keys) for token in tokens), return_exceptions=True
    )
    # then one read served them all: the published kid passes, the others are refused
    assert provider.reads == 1
    assert sum(not isinstance(outcome, BaseException) for outcome in outcomes) == 25
    assert all(isinstance(outcome, TokenRefused) for outcome in outcomes[25:])


async def test_an_unreachable_provider_refuses_only_unknown_kids(
    provider: Provider, clock: Clock, caplog: pytest.LogCaptureFixture
):
    # given keys read from the provider through a client that then loses it
    async with httpx.AsyncClient() as client:
        keys = HttpJwksSource(
            client, url=provider.url, timeout=5, refetch_interval=REFETCH, max_age=600, clock=clock
        )
        await keys.refresh()
        keys._url = "http://127.0.0.1:9/jwks.json"  # nothing listens on the discard port
        clock.now += REFETCH
        # then the cached kid passes, an unknown one is refused (one failed read), no raise
        assert (await verify_any_token(_token(EC), SETTINGS, keys)).role == "state_worker"
        with caplog.at_level(logging.WARNING, "datasources.http_jwks"):
            assert "does not know" in await _refused(_token(rsa_key()), keys)
        assert keys.reads == 2
        assert "identity provider keys not read (ConnectError); 2 cached keys kept" in caplog.text


async def test_a_provider_slower_than_the_timeout_refuses_unknown_kids(clock: Clock):
    # given a provider that accepts connections and never answers
    server = await asyncio.start_server(lambda r, w: asyncio.sleep(3600), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server, httpx.AsyncClient() as client:
        keys = HttpJwksSource(
            client,
            url=f"http://127.0.0.1:{port}/jwks",
            timeout=0.2,
            refetch_interval=REFETCH,
            max_age=600,
            clock=clock,
        )
        # then the waiting requests end with a refusal, after one shared read
        outcomes = await asyncio.gather(
            *(verify_any_token(_token(RSA), SETTINGS, keys) for _ in range(10)),
            return_exceptions=True,
        )
        assert all(isinstance(outcome, TokenRefused) for outcome in outcomes)
        assert keys.reads == 1
        server.close()


@pytest.mark.parametrize(
    ("document", "status", "logged"),
    [
        (b"x" * 70_000, 200, "larger than 65536 bytes"),
        (b"[" * 60_000, 200, "not JSON"),
        (b'{"keys": {"kid": "a"}}', 200, 'not an object with a "keys" list'),
        (
            json.dumps({"keys": [RSA.jwk(kid=f"k{i}") for i in range(40)]}).encode(),
            200,
            "more than 32 keys",
        ),
        (b'{"keys": [1, "two", null]}', 200, "no usable signing key"),
        (b'{"keys": []}', 500, "answered HTTP 500"),
    ],
    ids=["huge", "deep", "wrong-types", "thousands", "no-usable-key", "error-status"],
)
async def test_a_hostile_document_is_refused_and_the_cached_keys_kept(
    keys: HttpJwksSource,
    provider: Provider,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
    document: bytes,
    status: int,
    logged: str,
):
    await keys.refresh()
    provider.document, provider.status = document, status
    clock.now += REFETCH
    with caplog.at_level(logging.WARNING, "datasources.http_jwks"):
        assert await keys.refresh() == REFETCH  # a refused read is tried again soon
    assert keys.kids == {RSA.kid, EC.kid}
    assert logged in caplog.text
    assert "2 cached keys kept" in caplog.text
    # no key material in the log: no modulus nor coordinate of any published key
    for member in ("n", "x", "y"):
        for key in (RSA, EC):
            value = key.jwk().get(member)
            assert value is None or value[:16] not in caplog.text


@pytest.mark.parametrize(
    ("header", "age"),
    [
        ("max-age=120", 120.0),
        ("public, max-age=90, must-revalidate", 90.0),
        ('max-age="45"', 45.0),
        ("no-store, max-age=120", None),
        ("no-cache", None),
        ("s-maxage=5", None),
        (None, None),
    ],
)
def test_cache_max_age_reads_the_header(header: str | None, age: float | None):
    assert cache_max_age(header) == age


@pytest.mark.parametrize(
    ("cache_control", "next_refresh"),
    [("max-age=120", 120.0), ("max-age=1", REFETCH), ("max-age=999999", 600.0), (None, 600.0)],
    ids=["within", "below-the-interval", "above-the-maximum", "absent"],
)
async def test_the_periodic_refresh_honours_max_age_within_bounds(
    keys: HttpJwksSource, provider: Provider, cache_control: str | None, next_refresh: float
):
    provider.cache_control = cache_control
    assert await keys.refresh() == next_refresh


async def test_the_periodic_refresh_reads_on_its_schedule(provider: Provider, clock: Clock):
    # given sleeps that only count (the schedule, not the time, is under test)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 3:
            raise asyncio.CancelledError

    provider.cache_control = "max-age=120"
    async with httpx.AsyncClient() as client:
        keys = HttpJwksSource(
            client,
            url=provider.url,
            timeout=5,
            refetch_interval=REFETCH,
            max_age=600,
            clock=clock,
            sleep=sleep,
        )
        with pytest.raises(asyncio.CancelledError):
            await keys.refresh_periodically()
    assert (slept, provider.reads) == ([120.0, 120.0, 120.0], 3)


async def test_unusable_keys_are_left_out_with_a_count_in_the_log(
    keys: HttpJwksSource, provider: Provider, caplog: pytest.LogCaptureFixture
):
    small = rsa_key("small", bits=1024)
    provider.document = json.dumps({"keys": [RSA.jwk(), small.jwk()]}).encode()
    with caplog.at_level(logging.WARNING, "datasources.http_jwks"):
        await keys.refresh()
    assert keys.kids == {RSA.kid}
    assert "identity provider keys: 1 keys left out as unusable" in caplog.text


def test_a_hub_without_hmac_mints_and_accepts_no_hmac_token():
    settings = dataclasses.replace(SETTINGS, hmac=False)
    with pytest.raises(ClaimsRefused, match="accepts no HMAC tokens"):
        issue_token(settings, role="auditor")
    with pytest.raises(TokenRefused, match="^token is not valid$"):
        verify_token(issue_token(SETTINGS, role="auditor"), settings)


async def test_identity_keys_are_built_from_the_jwks_settings(provider: Provider):
    assert build_identity_keys(None) is None
    keys = build_identity_keys(JwksSettings(url=provider.url))
    assert keys is not None
    assert (await keys.refresh(), keys.kids) == (3600.0, frozenset({RSA.kid, EC.kid}))
    await keys.close()
