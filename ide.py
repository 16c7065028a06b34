"""Self-hosted GraphiQL: the page and the few static files it needs.

The hub serves GraphiQL without any public CDN. Its scripts and styles come from
the npm packages pinned in ``web/package.json`` and installed by ``make assets``
into ``web/node_modules``; only the four files below are ever served from there.

Privacy: the page keeps everything GraphiQL would persist (tabs, queries, headers,
theme) in an in-memory storage object, so no token reaches ``localStorage`` and
no cookie is set. Reloading the page forgets the pasted token.
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route

# An installed (non-editable) hub finds the assets through HUB_GRAPHIQL_ASSETS_DIR.
ASSETS_DIR: Path = Path(
    os.environ.get("HUB_GRAPHIQL_ASSETS_DIR")
    or Path(__file__).resolve().parent / "web" / "node_modules"
)
ASSETS_PREFIX = "/graphiql-assets"
ASSETS_CACHE_CONTROL = "public, max-age=31536000, immutable"
INSTALL_HINT = "make assets"
DEFAULT_HEADERS_TEXT = '{"Authorization": "Bearer <paste a token from: hub token --role analyst>"}'


@dataclass(frozen=True)
class Asset:
    package: str
    path: str
    media_type: str

    @property
    def file(self) -> Path:
        return ASSETS_DIR / self.package / self.path

    def version(self) -> str:
        """The installed package version, used to bust long-lived caches on upgrade."""
        try:
            meta = json.loads((ASSETS_DIR / self.package / "package.json").read_text("utf-8"))
        except (OSError, ValueError):
            return "0"
        version = meta.get("version") if isinstance(meta, dict) else None
        return version if isinstance(version, str) else "0"


_JS = "text/javascript; charset=utf-8"
_CSS = "text/css; charset=utf-8"

# Public name under ASSETS_PREFIX -> file inside node_modules. Nothing else is served.
ASSETS: dict[str, Asset] = {
    "react.js": Asset("react", "umd/react.production.min.js", _JS),
    "react-dom.js": Asset("react-dom", "umd/react-dom.production.min.js", _JS),
    "graphiql.js": Asset("graphiql", "graphiql.min.js", _JS),
    "graphiql.css": Asset("graphiql", "graphiql.min.css", _CSS),
}


def assets_installed() -> bool:
    """Whether every file the GraphiQL page needs is present under ``ASSETS_DIR``."""
    return all(asset.file.is_file() for asset in ASSETS.values())


def asset_url(name: str) -> str:
    """Site-root-relative URL of one asset, versioned so it can be cached for a year."""
    asset = ASSETS[name]
    return f"{ASSETS_PREFIX}/{name}?v={html.escape(asset.version(), quote=True)}"


async def _serve_asset(request: Request) -> Response:
    name = request.path_params.get("name", "")
    asset = ASSETS.get(name) if isinstance(name, str) else None
    if asset is None or not asset.file.is_file():
        return PlainTextResponse("Not Found", status_code=404)
    return FileResponse(
        asset.file,
        media_type=asset.media_type,
        headers={
            "Cache-Control": ASSETS_CACHE_CONTROL,
            "X-Content-Type-Options": "nosniff",
        },
    )


def build_ide_routes() -> list[BaseRoute]:
    """Routes serving the GraphiQL assets under ``/graphiql-assets/<name>``.

    Only the fixed names in ``ASSETS`` resolve; any other path under the mount,
    including attempts to reach other files in ``node_modules``, is a 404.
    """
    return [
        Mount(
            ASSETS_PREFIX,
            routes=[Route("/{name}", _serve_asset, methods=["GET", "HEAD"])],
            name="graphiql-assets",
        )
    ]


def _js_literal(value: str) -> str:
    """A JSON string literal that is safe to embed inside an inline ``<script>``."""
    return (
        json.dumps(value)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


_MISSING_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>GraphiQL assets not installed</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 3rem; line-height: 1.5; color: #222; }}
code {{ background: #f2f2f2; padding: 0.1rem 0.3rem; border-radius: 3px; }}
</style>
</head>
<body>
<h1>GraphiQL assets are not installed</h1>
<p>The hub serves GraphiQL's scripts and styles itself, and they are missing from
<code>{assets_dir}</code>.</p>
<p>Run <code>{hint}</code> in the hub's source tree (it runs <code>npm ci</code> in
<code>web/</code>), then reload this page.</p>
<p>The GraphQL endpoint <code>{endpoint}</code> works without GraphiQL.</p>
</body>
</html>
"""

_IDE_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>GraphiQL - child support hub</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{graphiql_css}">
<style>
html, body {{ height: 100%; margin: 0; overflow: hidden; }}
#graphiql {{ height: 100vh; }}
</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL...</div>
<script src="{react_js}"></script>
<script src="{react_dom_js}"></script>
<script src="{graphiql_js}"></script>
<script>
(function () {{
  "use strict";
  // In-memory storage: nothing GraphiQL keeps (tabs, queries, headers, tokens) is
  // written to browser storage or a cookie; it is gone when the page is closed.
  var memoryStorage = (function () {{
    var items = new Map();
    return {{
      getItem: function (key) {{ return items.has(key) ? items.get(key) : null; }},
      setItem: function (key, value) {{ items.set(key, String(value)); }},
      removeItem: function (key) {{ items.delete(key); }},
      clear: function () {{ items.clear(); }},
      get length() {{ return items.size; }}
    }};
  }})();

  var endpoint = new URL({endpoint}, window.location.href);
  var subscriptionUrl = new URL(endpoint.href);
  subscriptionUrl.protocol = endpoint.protocol === "https:" ? "wss:" : "ws:";

  var fetcher = GraphiQL.createFetcher({{
    url: endpoint.href,
    subscriptionUrl: subscriptionUrl.href
  }});

  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, {{
    fetcher: fetcher,
    storage: memoryStorage,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    defaultHeaders: {default_headers},
    defaultEditorToolsVisibility: "headers"
  }}));
}})();
</script>
</body>
</html>
"""


def render_ide_html(endpoint: str = "/graphql") -> str:
    """The GraphiQL page for ``endpoint``, or a clear notice if its assets are missing.

    The page references only same-origin assets under ``/graphiql-assets`` and
    contains no external URL.
    """
    if not assets_installed():
        return _MISSING_PAGE.format(
            assets_dir=html.escape(str(ASSETS_DIR)),
            hint=html.escape(INSTALL_HINT),
            endpoint=html.escape(endpoint),
        )
    return _IDE_PAGE.format(
        graphiql_css=asset_url("graphiql.css"),
        react_js=asset_url("react.js"),
        react_dom_js=asset_url("react-dom.js"),
        graphiql_js=asset_url("graphiql.js"),
        endpoint=_js_literal(endpoint),
        default_headers=_js_literal(DEFAULT_HEADERS_TEXT),
    )
