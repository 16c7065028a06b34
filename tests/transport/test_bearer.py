"""One token check for every transport: the same refusals, for the same reasons, everywhere.

`policy.tokens.authenticate` is the check; `transport.bearer.BearerAuthentication` runs it
once per HTTP request and answers the GraphQL endpoint's 401, the download route answers
its own 401 with the refusal the middleware left in the scope, and the WebSocket's
`connection_init` closes with 4401. Each refusal here is tried on all three, in process:
no seeded database is needed to refuse a token.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import jwt
import pytest
from starlette.applications import Starlette

from app import create_app
from policy.download_links import sign_download
from policy.tokens import TokenRefused, Viewer, authenticate, issue_token
from resolvers.ids import encode_global_id
from settings import Settings, TokenSettings, load_settings
from tests.conftest import Hub
from tests.services.graphql_ws import subscriber
from transport.bearer import VIEWER_KEY, request_viewer
from transport.error_body import BEARER_CHALLENGE

DEVELOPMENT: TokenSettings = load_settings({"HUB_ENV": "development"}).token
NEEDS_JURISDICTION = (
    "token refused: state_worker tokens need a jurisdiction:"
    ' a two-digit state FIPS code such as "06"'
)


def _signed(settings: TokenSettings = DEVELOPMENT, **changes: object) -> str:
    """A token signed as the hub signs them, with `changes` to its claims (None drops one)."""
    now = int(time.time())
    claims: dict[str, object] = {
        "sub": "bearer-test",
        "role": "analyst",
        "iat": now,
        "exp": now + 600,
        "iss": settings.issuer,
        "aud": settings.audience,
    }
    claims.update(changes)
    payload = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(payload, settings.secret, algorithm=settings.algorithm)


def _refusals() -> dict[str, tuple[str | None, str]]:
    """Each way a token is refused: (the Authorization value, the message every transport gives)."""
    now = int(time.time())
    other = TokenSettings(
        secret="another-hub-secret-" + "x" * 32,
        issuer=DEVELOPMENT.issuer,
        audience=DEVELOPMENT.audience,
        algorithm=DEVELOPMENT.algorithm,
    )
    return {
        "missing": (None, "no bearer token"),
        "empty": ("", "no bearer token"),
        "not bearer": ("Basic dXNlcjpwYXNzd29yZA==", "no bearer token"),
        "bearer without a token": ("Bearer", "no bearer token"),
        "malformed": ("Bearer not.a.jwt", "token is not valid"),
        "expired": (f"Bearer {_signed(iat=now - 7200, exp=now - 3600)}", "token has expired"),
        "wrong issuer": (f"Bearer {_signed(iss='someone-else')}", "token is not valid"),
        "wrong audience": (f"Bearer {_signed(aud='another-api')}", "token is not valid"),
        "wrong signature": (f"Bearer {_signed(other)}", "token is not valid"),
        "no subject claim": (f"Bearer {_signed(sub=None)}", "token is not valid"),
        "empty subject": (f"Bearer {_signed(sub='')}", "token names no subject"),
        "unknown role": (f"Bearer {_signed(role='janitor')}", "token names no known role"),
        "no role": (f"Bearer {_signed(role=None)}", "token names no known role"),
        "missing claim": (f"Bearer {_signed(role='state_worker')}", NEEDS_JURISDICTION),
    }


REFUSALS = list(_refusals())
"""The cases' names; each test signs its tokens when it runs (a suite runs longer than a token)."""


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data = Path(tmp_path_factory.mktemp("bearer-hub"))
    return load_settings({"HUB_ENV": "development", "HUB_DATA_DIR": str(data)})


@pytest.fixture(scope="module")
def app(settings: Settings) -> Starlette:
    return create_app(settings)


def _headers(authorization: str | None) -> dict[str, str]:
    return {} if authorization is None else {"Authorization": authorization}


def _download_link(settings: Settings) -> str:
    document = encode_global_id("Document", 1)
    return sign_download(document, expires_at=int(time.time()) + 60, secret=settings.token.secret)


@pytest.mark.parametrize("case", REFUSALS)
async def test_authenticate_refuses_with_a_safe_message(case: str):
    authorization, message = _refusals()[case]
    with pytest.raises(TokenRefused) as refused:
        await authenticate(authorization, DEVELOPMENT)
    assert str(refused.value) == message


async def test_authenticate_returns_the_viewer_of_a_good_token():
    token = issue_token(DEVELOPMENT, role="state_worker", subject="w-1", jurisdiction="06")
    viewer = await authenticate(f"bearer {token}", DEVELOPMENT)  # the scheme in any case
    assert (viewer.subject, viewer.role, viewer.jurisdiction, viewer.fti) == (
        "w-1",
        "state_worker",
        "06",
        False,
    )


@pytest.mark.parametrize("case", REFUSALS)
async def test_http_refuses_with_the_same_message(app: Starlette, case: str):
    authorization, message = _refusals()[case]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://hub"
    ) as client:
        response = await client.post(
            "/graphql", json={"query": "{ viewer { role } }"}, headers=_headers(authorization)
        )
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == BEARER_CHALLENGE
    assert response.json() == {
        "errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]
    }


@pytest.mark.parametrize("case", REFUSALS)
async def test_download_refuses_with_the_same_message(
    app: Starlette, settings: Settings, case: str
):
    authorization, message = _refusals()[case]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://hub"
    ) as client:
        response = await client.get(_download_link(settings), headers=_headers(authorization))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == BEARER_CHALLENGE
    assert response.headers["cache-control"] == "no-store"
    assert response.json() == {
        "errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]
    }


@pytest.mark.parametrize("case", REFUSALS)
async def test_websocket_closes_4401_for_the_same_refusals(live_hub: str, case: str):
    # the live hub's token settings are the development ones these tokens are signed with
    authorization, _message = _refusals()[case]
    payload = {} if authorization is None else {"authorization": authorization}
    async with subscriber(live_hub) as socket:
        await socket.socket.send(json.dumps({"type": "connection_init", "payload": payload}))
        # closed with the protocol's fixed reason, which repeats nothing of the token
        assert await socket.closed_with() == 4401


async def test_a_download_with_a_good_token_gets_past_the_token_check(
    http: httpx.AsyncClient, hub: Hub
):
    # given a viewer the middleware accepts, and a link whose signature is wrong
    link = _download_link(hub.settings).replace("signature=", "signature=0")
    response = await http.get(link, headers=hub.headers("ocss_staff"))
    # then the route refuses the link, not the token: it had the middleware's viewer
    assert response.status_code == 403
    assert response.json()["errors"][0]["message"] == "not a valid download link"


async def test_a_wrong_method_on_a_download_is_405_before_the_token(
    app: Starlette, settings: Settings
):
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://hub"
    ) as client:
        response = await client.post(_download_link(settings))
    assert (response.status_code, response.headers["allow"]) == (405, "GET, HEAD")
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_request_viewer_is_what_the_middleware_left_in_the_scope():
    viewer = Viewer("s", "analyst", None, None, False, 0)
    assert request_viewer({VIEWER_KEY: viewer}) is viewer


def test_a_request_the_middleware_never_saw_has_no_viewer():
    # fail closed: a route mounted without the middleware refuses, it does not let through
    with pytest.raises(TokenRefused, match="^no bearer token$"):
        request_viewer({})
