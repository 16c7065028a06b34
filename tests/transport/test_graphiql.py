"""The self-hosted GraphiQL page and its assets (no CDN, no persistent storage)."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import jwt
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from app import create_app
from policy.tokens import ROLES, verify_token
from settings import Settings, load_settings
from transport import graphiql as ide

ASSET_SRC_RE = re.compile(r'(?:src|href)="([^"]+)"')


async def _page(request: Request) -> HTMLResponse:
    return HTMLResponse(ide.render_ide_html("/graphql"), headers={"Cache-Control": "no-store"})


def make_app() -> Starlette:
    return Starlette(routes=[*ide.build_ide_routes(), Route("/graphql", _page, methods=["GET"])])


def make_client() -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=make_app())
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_client() as test_client:
        yield test_client


@pytest.fixture
def installed() -> None:
    if not ide.assets_installed():
        pytest.fail(f"GraphiQL assets missing under {ide.ASSETS_DIR}: run `make assets`")


def _asset_urls(page: str) -> list[str]:
    return [url for url in ASSET_SRC_RE.findall(page) if url.startswith(ide.ASSETS_PREFIX + "/")]


@pytest.mark.usefixtures("installed")
async def test_page_references_only_same_origin_assets(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql")
    assert response.status_code == 200
    page = response.text
    assert "http://" not in page
    assert "https://" not in page
    assert "//cdn" not in page
    for url in ASSET_SRC_RE.findall(page):
        # The empty data: favicon only stops the browser asking for /favicon.ico.
        assert url.startswith(ide.ASSETS_PREFIX + "/") or url == "data:,", url
    urls = _asset_urls(page)
    assert {url.split("?")[0].rsplit("/", 1)[1] for url in urls} == set(ide.ASSETS)


@pytest.mark.usefixtures("installed")
async def test_page_uses_in_memory_storage_and_headers_editor(client: httpx.AsyncClient) -> None:
    page = (await client.get("/graphql")).text
    assert "storage: memoryStorage" in page
    for method in ("getItem", "setItem", "removeItem", "clear", "length"):
        assert method in page
    assert "new Map()" in page
    assert "localStorage" not in page
    assert "document.cookie" not in page
    assert "shouldPersistHeaders: false" in page
    assert "isHeadersEditorEnabled: true" in page
    assert 'defaultEditorToolsVisibility: "headers"' in page
    assert "hub token --role analyst" in page
    assert "GraphiQL.createFetcher" in page
    assert "subscriptionUrl" in page


@pytest.mark.usefixtures("installed")
@pytest.mark.parametrize(
    ("name", "content_type", "min_size"),
    [
        ("react.js", "text/javascript", 5_000),
        ("react-dom.js", "text/javascript", 50_000),
        ("graphiql.js", "text/javascript", 200_000),
        ("graphiql.css", "text/css", 20_000),
    ],
)
async def test_asset_served(
    client: httpx.AsyncClient, name: str, content_type: str, min_size: int
) -> None:
    page = (await client.get("/graphql")).text
    (url,) = [u for u in _asset_urls(page) if u.split("?")[0].endswith("/" + name)]
    response = await client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(content_type)
    assert len(response.content) >= min_size
    assert "max-age=31536000" in response.headers["cache-control"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    "path",
    [
        "/graphiql-assets/nope.js",
        "/graphiql-assets/",
        "/graphiql-assets/graphiql/graphiql.min.js",
        "/graphiql-assets/..%2Fpackage.json",
        "/graphiql-assets/react/package.json",
        "/graphiql-assets/graphiql.min.js.map",
    ],
)
async def test_unknown_asset_is_404(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 404
    assert "set-cookie" not in response.headers


@pytest.mark.usefixtures("installed")
async def test_no_cookies_anywhere(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql")
    assert "set-cookie" not in page.headers
    for url in _asset_urls(page.text):
        assert "set-cookie" not in (await client.get(url)).headers
    assert not client.cookies


def test_endpoint_is_escaped_in_script() -> None:
    assert ide.assets_installed(), "GraphiQL's assets are missing: run `make assets`"
    page = ide.render_ide_html("/graphql</script><script>alert(1)//")
    assert "</script><script>alert(1)" not in page
    assert "\\u003c/script\\u003e" in page


async def test_missing_assets_page(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(ide, "ASSETS_DIR", tmp_path / "node_modules")
    assert not ide.assets_installed()
    page = ide.render_ide_html()
    assert "GraphiQL assets are not installed" in page
    assert "make assets" in page
    assert "<script" not in page
    assert "http://" not in page
    assert "https://" not in page
    async with make_client() as client:
        assert (await client.get("/graphql")).status_code == 200
        assert (await client.get("/graphiql-assets/graphiql.js")).status_code == 404


PRODUCTION_SECRET = "ide-test-production-secret-" * 3


def _settings(tmp_path: Path, env: str) -> Settings:
    environ = {"HUB_DATA_DIR": str(tmp_path), "HUB_ENV": env}
    if env == "production":
        environ["HUB_TOKEN_SECRET"] = PRODUCTION_SECRET
    return load_settings(environ)


def _hub_client(settings: Settings) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(settings))
    return httpx.AsyncClient(transport=transport, base_url="http://hub")


async def _ide_page(settings: Settings) -> str:
    async with _hub_client(settings) as client:
        response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    return response.text


def _page_config(page: str) -> dict[str, object]:
    match = re.search(r"var config = (\{.*?\});\n", page)
    assert match, "the page carries its configuration"
    config: dict[str, object] = json.loads(match.group(1))
    return config


@pytest.mark.usefixtures("installed")
async def test_development_page_offers_the_sign_in(tmp_path: Path):
    page = await _ide_page(_settings(tmp_path, "development"))
    config = _page_config(page)
    sign_in = config["signIn"]
    assert isinstance(sign_in, dict)
    assert sign_in["url"] == ide.SIGN_IN_PATH == "/graphiql/token"
    assert sign_in["defaultRole"] == "analyst"
    roles = sign_in["roles"]
    assert list(roles) == list(ROLES)
    # the panel asks each role for what policy/tokens.py says it needs
    assert roles["state_worker"] == {
        "jurisdiction": 'a two-digit state FIPS code such as "06"',
        "fein": None,
        "fti": True,
    }
    assert roles["tribal_worker"]["jurisdiction"] == 'a tribal code such as "T0001"'
    assert roles["employer"]["fein"] == 'a FEIN NN-NNNNNNN such as "90-0000001"'
    assert roles["analyst"] == {"jurisdiction": None, "fein": None, "fti": False}
    assert "function signInPlugin" in page
    assert "schema.introspect()" in page
    assert "hub-sign-in" in page
    # and no placeholder token is shown to paste over
    assert config["defaultHeaders"] is None
    assert "paste a token" not in page


@pytest.mark.usefixtures("installed")
async def test_production_page_shows_no_sign_in(tmp_path: Path):
    page = await _ide_page(_settings(tmp_path, "production"))
    assert _page_config(page)["signIn"] is None
    assert "graphiql/token" not in page
    assert "signInPlugin" not in page
    assert "hub-sign-in" not in page
    assert "mint(" not in page
    assert "hub token --role analyst" in page


async def test_production_has_no_token_route(tmp_path: Path):
    async with _hub_client(_settings(tmp_path, "production")) as client:
        for method in ("POST", "GET"):
            response = await client.request(
                method, ide.SIGN_IN_PATH, json={"role": "analyst"} if method == "POST" else None
            )
            assert response.status_code == 404, method


@pytest.fixture
async def development(tmp_path: Path) -> AsyncIterator[tuple[Settings, httpx.AsyncClient]]:
    settings = _settings(tmp_path, "development")
    async with _hub_client(settings) as client:
        yield settings, client


@pytest.mark.parametrize(
    ("claims", "role", "jurisdiction", "fein", "fti"),
    [
        ({"role": "analyst"}, "analyst", None, None, False),
        (
            {"role": "state_worker", "jurisdiction": " 06 ", "fti": True},
            "state_worker",
            "06",
            None,
            True,
        ),
        ({"role": "tribal_worker", "jurisdiction": "T0001"}, "tribal_worker", "T0001", None, False),
        (
            {"role": "employer", "fein": "90-0000001", "jurisdiction": ""},
            "employer",
            None,
            "90-0000001",
            False,
        ),
        (
            {"role": "ocss_staff", "jurisdiction": "FED", "fti": True},
            "ocss_staff",
            "FED",
            None,
            True,
        ),
    ],
)
async def test_development_token_route_mints_a_token_the_hub_accepts(
    development: tuple[Settings, httpx.AsyncClient],
    claims: dict[str, object],
    role: str,
    jurisdiction: str | None,
    fein: str | None,
    fti: bool,
):
    settings, client = development
    # when GraphiQL's sign-in asks for a token
    response = await client.post(ide.SIGN_IN_PATH, json=claims)
    # then one comes back, valid for an hour with the hub's own settings, never cached
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert "set-cookie" not in response.headers
    body = response.json()
    assert body["expiresIn"] == ide.SIGN_IN_TTL_SECONDS == 3600
    viewer = verify_token(body["token"], settings.token)
    assert (viewer.role, viewer.jurisdiction, viewer.fein, viewer.fti) == (
        role,
        jurisdiction,
        fein,
        fti,
    )
    issued = jwt.decode(body["token"], options={"verify_signature": False})
    assert issued["exp"] - issued["iat"] == 3600
    # and the hub takes it
    answer = await client.post(
        "/graphql",
        json={"query": "{ viewer { role jurisdiction fein ftiCleared } }"},
        headers={"Authorization": f"Bearer {body['token']}"},
    )
    assert answer.json()["data"]["viewer"] == {
        "role": role,
        "jurisdiction": jurisdiction,
        "fein": fein,
        "ftiCleared": fti,
    }


@pytest.mark.parametrize(
    ("claims", "field", "message"),
    [
        ({"role": "state_worker"}, "jurisdiction", "state_worker tokens need a jurisdiction"),
        ({"role": "state_worker", "jurisdiction": "CA-X9"}, "jurisdiction", "two-digit"),
        ({"role": "tribal_worker", "jurisdiction": "06"}, "jurisdiction", "tribal code"),
        ({"role": "employer"}, "fein", "employer tokens need a fein"),
        ({"role": "insurer", "fein": "SECRET-123"}, "fein", "NN-NNNNNNN"),
        ({"role": "root<script>"}, "role", "role must be one of"),
        ({"role": None}, "role", "role must be one of"),
        ({}, "role", "role must be one of"),
        ({"role": "state_worker", "jurisdiction": 6}, "jurisdiction", "must be a string"),
        ({"role": "analyst", "fti": "yes"}, "fti", "true or false"),
    ],
)
async def test_development_token_route_refuses_missing_or_malformed_claims(
    development: tuple[Settings, httpx.AsyncClient],
    claims: dict[str, object],
    field: str,
    message: str,
):
    _, client = development
    response = await client.post(ide.SIGN_IN_PATH, json=claims)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert message in error["message"]
    for value in ("CA-X9", "SECRET-123", "root<script>", "yes"):
        assert value not in response.text


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b'{"role": "analyst"}', "text/plain", 415),
        (b'{"role": "analyst"}', "application/x-www-form-urlencoded", 415),
        (b"role=analyst", "", 415),
        (b"not json", "application/json", 400),
        (b"\xff\xfe{}", "application/json", 400),
        (b'"analyst"', "application/json", 400),
        (b"[]", "application/json", 400),
        (b"null", "application/json", 400),
        (b"[" * 5000 + b"]" * 5000, "application/json", 413),
        (b"[" * 2000 + b"]" * 2000, "application/json", 400),
        (b'{"role": "' + b"a" * 5000 + b'"}', "application/json", 413),
    ],
)
async def test_development_token_route_refuses_bodies_that_are_no_claims(
    development: tuple[Settings, httpx.AsyncClient], content: bytes, content_type: str, status: int
):
    _, client = development
    headers = {"Content-Type": content_type} if content_type else {}
    response = await client.post(ide.SIGN_IN_PATH, content=content, headers=headers)
    assert response.status_code == status
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["BAD_USER_INPUT"]


async def test_development_token_route_is_post_only(
    development: tuple[Settings, httpx.AsyncClient],
):
    _, client = development
    assert (await client.get(ide.SIGN_IN_PATH)).status_code == 405
