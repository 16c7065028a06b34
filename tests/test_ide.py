"""The self-hosted GraphiQL page and its assets (no CDN, no persistent storage)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

import ide

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
