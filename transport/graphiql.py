"""Self-hosted GraphiQL: the page and the few static files it needs.

The hub serves GraphiQL without any public CDN. Its scripts and styles come from
the npm packages pinned in ``web/package.json`` and installed by ``make assets``
into ``web/node_modules``; only the four files below are ever served from there.

Privacy: the page keeps everything GraphiQL would persist (tabs, queries, headers,
theme) in an in-memory storage object, so no token reaches ``localStorage`` and
no cookie is set. Reloading the page forgets the pasted token.

Development sign-in: in development mode (and only there) the page carries a
"Sign in" panel, and ``POST /graphiql/token`` mints a development token for the
role and claims chosen in it, with the hub's own token settings; the page opens
signed in as an analyst. In production neither the panel nor the route exists.
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from policy.tokens import ROLE_CLAIMS, ROLES, ClaimsRefused, issue_token
from settings import Settings, TokenSettings
from transport.error_body import error_response

# An installed (non-editable) hub finds the assets through HUB_GRAPHIQL_ASSETS_DIR.
ASSETS_DIR: Path = Path(
    os.environ.get("HUB_GRAPHIQL_ASSETS_DIR")
    or Path(__file__).resolve().parent.parent / "web" / "node_modules"
)
ASSETS_PREFIX = "/graphiql-assets"
ASSETS_CACHE_CONTROL = "public, max-age=31536000, immutable"
INSTALL_HINT = "make assets"
DEFAULT_HEADERS_TEXT = '{"Authorization": "Bearer <paste a token from: hub token --role analyst>"}'
SIGN_IN_PATH = "/graphiql/token"
SIGN_IN_TTL_SECONDS = 3600
SIGN_IN_DEFAULT_ROLE = "analyst"
SIGN_IN_MAX_BODY_BYTES = 4096
_NO_STORE = {"Cache-Control": "no-store"}


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


def build_ide_routes(settings: Settings | None = None) -> list[BaseRoute]:
    """Routes serving the GraphiQL assets under ``/graphiql-assets/<name>``.

    Only the fixed names in ``ASSETS`` resolve; any other path under the mount,
    including attempts to reach other files in ``node_modules``, is a 404. With
    development settings, ``POST /graphiql/token`` (the sign-in) is mounted too.
    """
    routes: list[BaseRoute] = [
        Mount(
            ASSETS_PREFIX,
            routes=[Route("/{name}", _serve_asset, methods=["GET", "HEAD"])],
            name="graphiql-assets",
        )
    ]
    if settings is not None and settings.is_development:
        routes.append(
            Route(
                SIGN_IN_PATH,
                _SignIn(settings.token).respond,
                methods=["POST"],
                name="graphiql-sign-in",
            )
        )
    return routes


def _bad_input(message: str, status_code: int = 400, **extensions: str) -> Response:
    return error_response(
        status_code, message, "BAD_USER_INPUT", headers=_NO_STORE, extensions=extensions
    )


class _SignIn:
    """``POST /graphiql/token``: a development token for the claims in a JSON object.

    The body is ``{"role": R, "jurisdiction": J, "fein": F, "fti": bool}``; the claims a
    role needs are checked by ``policy.tokens`` exactly as for ``hub token``. Refusals
    are 4xx with BAD_USER_INPUT and never repeat a submitted value.
    """

    def __init__(self, settings: TokenSettings) -> None:
        self.settings = settings

    async def respond(self, request: Request) -> Response:
        media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
        if media_type != "application/json":
            # a JSON content type also keeps other sites' pages from posting here unasked
            return _bad_input("send the claims as application/json", 415)
        body = await request.body()
        if len(body) > SIGN_IN_MAX_BODY_BYTES:
            return _bad_input(f"the body is larger than {SIGN_IN_MAX_BODY_BYTES} bytes", 413)
        try:
            claims = json.loads(body)
        except (ValueError, RecursionError):
            return _bad_input("the body is not a JSON object")
        if not isinstance(claims, dict):
            return _bad_input("the body is not a JSON object")
        return self._mint(claims)

    def _mint(self, claims: dict[str, object]) -> Response:
        role, fti = claims.get("role"), claims.get("fti", False)
        texts = {name: claims.get(name) for name in ("jurisdiction", "fein")}
        for name, value in texts.items():
            if value is not None and not isinstance(value, str):
                return _bad_input(f"{name} must be a string", field=name)
        if not isinstance(fti, bool):
            return _bad_input("fti must be true or false", field="fti")
        if not isinstance(role, str) or role not in ROLE_CLAIMS:
            return _bad_input(f"role must be one of {', '.join(ROLES)}", field="role")
        try:
            token = issue_token(
                self.settings,
                role=role,
                jurisdiction=_text(texts["jurisdiction"]),
                fein=_text(texts["fein"]),
                fti=fti,
                ttl_seconds=SIGN_IN_TTL_SECONDS,
            )
        except ClaimsRefused as refused:
            return _bad_input(str(refused), field=refused.claim)
        return JSONResponse({"token": token, "expiresIn": SIGN_IN_TTL_SECONDS}, headers=_NO_STORE)


def _text(value: object) -> str | None:
    """A claim as typed into the form: surrounding blanks dropped, empty as absent."""
    return (value.strip() or None) if isinstance(value, str) else None


def sign_in_options() -> dict[str, object]:
    """What the page's sign-in panel offers: each role, and the claims it asks for."""
    roles: dict[str, dict[str, object]] = {}
    for role, rules in ROLE_CLAIMS.items():
        jurisdiction, fein = rules.shape("jurisdiction"), rules.shape("fein")
        roles[role] = {
            "jurisdiction": jurisdiction.description if jurisdiction else None,
            "fein": fein.description if fein else None,
            "fti": rules.fti_clearable,
        }
    return {"url": SIGN_IN_PATH, "defaultRole": SIGN_IN_DEFAULT_ROLE, "roles": roles}


def _js_literal(value: object) -> str:
    """A JSON literal that is safe to embed inside an inline ``<script>``."""
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
{sign_in_style}
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
  var config = {config};
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

  var endpoint = new URL(config.endpoint, window.location.href);
  var subscriptionUrl = new URL(endpoint.href);
  subscriptionUrl.protocol = endpoint.protocol === "https:" ? "wss:" : "ws:";

  var baseFetcher = GraphiQL.createFetcher({{
    url: endpoint.href,
    subscriptionUrl: subscriptionUrl.href
  }});
  // GraphiQL reads the headers for a schema refetch from its last render; the live
  // Headers editor (once the sign-in panel has seen it) is what the person sees.
  var live = {{ headerEditor: null }};
  function fetcher(params, options) {{
    if (params.operationName === "IntrospectionQuery" && live.headerEditor) {{
      try {{
        var headers = JSON.parse(live.headerEditor.getValue() || "{{}}");
        if (headers && typeof headers === "object") {{
          options = Object.assign({{}}, options, {{ headers: headers }});
        }}
      }} catch (ignored) {{}}
    }}
    return baseFetcher(params, options);
  }}
{sign_in_script}
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  function render(headersText, plugins) {{
    root.render(React.createElement(GraphiQL, {{
      fetcher: fetcher,
      storage: memoryStorage,
      plugins: plugins,
      visiblePlugin: plugins.length ? plugins[0] : undefined,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      defaultHeaders: headersText,
      defaultEditorToolsVisibility: "headers"
    }}));
  }}
  if (config.signIn) {{
    startSignedIn(config.signIn, render);
  }} else {{
    render(config.defaultHeaders, []);
  }}
}})();
</script>
</body>
</html>
"""

# The development sign-in panel: a GraphiQL plugin (plain React.createElement, no
# build step) that mints a token at SIGN_IN_PATH, puts it in the Headers editor and
# refetches the schema. Only development pages carry it.
_SIGN_IN_SCRIPT = r"""
  var h = React.createElement;
  function mint(url, claims) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(claims),
      credentials: "omit",
      cache: "no-store"
    }).then(function (response) {
      return response.json().then(function (body) {
        if (response.ok && body && typeof body.token === "string") { return body; }
        var error = body && body.errors && body.errors[0];
        var status = "sign-in refused (HTTP " + response.status + ")";
        throw new Error((error && error.message) || status);
      }, function () { throw new Error("sign-in failed (HTTP " + response.status + ")"); });
    });
  }
  function headersFor(token) {
    return JSON.stringify({ Authorization: "Bearer " + token }, null, 2);
  }
  function describe(claims) {
    return [claims.role, claims.jurisdiction, claims.fein].filter(Boolean).join(" ") +
      (claims.fti ? " with FTI clearance" : "");
  }
  function SignInIcon() {
    return h("svg", { viewBox: "0 0 24 24", width: "1em", height: "1em", fill: "none",
                      stroke: "currentColor", strokeWidth: 1.5, "aria-hidden": "true" },
      h("circle", { cx: 8, cy: 16, r: 4.5 }),
      h("path", { d: "M11.2 12.8 20.5 3.5M17 7l3 3M14.5 9.5l2 2" }));
  }
  function field(label, input) {
    return h("label", { className: "hub-sign-in-field" }, h("span", null, label), input);
  }
  function signInPlugin(options, session) {
    function SignIn() {
      var editors = GraphiQL.React.useEditorContext({ nonNull: true });
      var schema = GraphiQL.React.useSchemaContext({ nonNull: true });
      live.headerEditor = editors.headerEditor || live.headerEditor;
      var role = React.useState(session.claims.role);
      var jurisdiction = React.useState(session.claims.jurisdiction || "");
      var fein = React.useState(session.claims.fein || "");
      var fti = React.useState(Boolean(session.claims.fti));
      var busy = React.useState(false);
      var error = React.useState(session.error);
      var signedIn = React.useState(session.signedIn);
      var rules = options.roles[role[0]];
      function submit(event) {
        event.preventDefault();
        var claims = {
          role: role[0],
          jurisdiction: rules.jurisdiction ? jurisdiction[0] : null,
          fein: rules.fein ? fein[0] : null,
          fti: Boolean(rules.fti && fti[0])
        };
        busy[1](true);
        error[1](null);
        mint(options.url, claims).then(function (minted) {
          if (!editors.headerEditor) {
            throw new Error("open the Headers tab, then sign in again");
          }
          editors.headerEditor.setValue(headersFor(minted.token));
          live.headerEditor = editors.headerEditor;
          session.claims = claims;
          session.signedIn = describe(claims);
          signedIn[1](session.signedIn);
          busy[1](false);
          schema.introspect();
        }).catch(function (refused) {
          error[1](refused.message);
          busy[1](false);
        });
      }
      var schemaState = schema.isFetching ? "Loading the schema..." :
        schema.schema ? "Schema loaded." : schema.fetchError ? "The schema did not load." : "";
      return h("form", { className: "hub-sign-in", onSubmit: submit, "aria-label": "Sign in" },
        h("div", { className: "graphiql-doc-explorer-title" }, "Sign in"),
        h("p", null, "Development mode: mint a development token for a role. It goes into ",
          "the Headers tab and stays in this page's memory only."),
        field("Role", h("select", {
          id: "hub-sign-in-role", value: role[0],
          onChange: function (event) { role[1](event.target.value); }
        }, Object.keys(options.roles).map(function (name) {
          return h("option", { key: name, value: name }, name);
        }))),
        rules.jurisdiction ? field("Jurisdiction", h("input", {
          id: "hub-sign-in-jurisdiction", value: jurisdiction[0], required: true,
          placeholder: rules.jurisdiction, title: rules.jurisdiction, autoComplete: "off",
          onChange: function (event) { jurisdiction[1](event.target.value); }
        })) : null,
        rules.fein ? field("FEIN", h("input", {
          id: "hub-sign-in-fein", value: fein[0], required: true,
          placeholder: rules.fein, title: rules.fein, autoComplete: "off",
          onChange: function (event) { fein[1](event.target.value); }
        })) : null,
        rules.fti ? h("label", { className: "hub-sign-in-check" }, h("input", {
          id: "hub-sign-in-fti", type: "checkbox", checked: fti[0],
          onChange: function (event) { fti[1](event.target.checked); }
        }), " Cleared for Federal Tax Information") : null,
        h("button", { id: "hub-sign-in-submit", type: "submit", className: "graphiql-button",
                      disabled: busy[0] }, busy[0] ? "Signing in..." : "Sign in"),
        error[0] ? h("p", { id: "hub-sign-in-error", role: "alert" }, error[0]) : null,
        signedIn[0] ? h("p", { id: "hub-sign-in-status", role: "status" },
          "Signed in as " + signedIn[0] + ". " + schemaState) : null);
    }
    return { title: "Sign in", icon: SignInIcon, content: SignIn };
  }
  function startSignedIn(options, render) {
    var claims = { role: options.defaultRole, jurisdiction: null, fein: null, fti: false };
    var session = { claims: claims, signedIn: null, error: null };
    var plugins = [signInPlugin(options, session)];
    mint(options.url, claims).then(function (minted) {
      session.signedIn = describe(claims);
      render(headersFor(minted.token), plugins);
    }, function (refused) {
      session.error = refused.message;
      render("{}", plugins);
    });
  }
"""

_SIGN_IN_STYLE = """
.hub-sign-in { display: flex; flex-direction: column; gap: 0.75rem; }
.hub-sign-in p { margin: 0; line-height: 1.4; }
.hub-sign-in-field { display: flex; flex-direction: column; gap: 0.25rem; }
.hub-sign-in-field input, .hub-sign-in-field select {
  font: inherit; padding: 0.35rem 0.5rem; border-radius: 4px;
  border: 1px solid hsla(var(--color-neutral), var(--alpha-background-heavy));
  background: hsl(var(--color-base)); color: hsl(var(--color-neutral));
}
.hub-sign-in .graphiql-button { align-self: flex-start; }
#hub-sign-in-error { color: hsl(var(--color-error)); }
"""


def render_ide_html(endpoint: str = "/graphql", *, development: bool = False) -> str:
    """The GraphiQL page for ``endpoint``, or a clear notice if its assets are missing.

    The page references only same-origin assets under ``/graphiql-assets`` and
    contains no external URL. ``development`` adds the sign-in panel (its route is
    mounted by ``build_ide_routes`` with development settings only).
    """
    if not assets_installed():
        return _MISSING_PAGE.format(
            assets_dir=html.escape(str(ASSETS_DIR)),
            hint=html.escape(INSTALL_HINT),
            endpoint=html.escape(endpoint),
        )
    config: dict[str, object] = {
        "endpoint": endpoint,
        # development pages open signed in (the panel's token), so no placeholder
        "defaultHeaders": None if development else DEFAULT_HEADERS_TEXT,
        "signIn": sign_in_options() if development else None,
    }
    return _IDE_PAGE.format(
        graphiql_css=asset_url("graphiql.css"),
        react_js=asset_url("react.js"),
        react_dom_js=asset_url("react-dom.js"),
        graphiql_js=asset_url("graphiql.js"),
        config=_js_literal(config),
        sign_in_script=_SIGN_IN_SCRIPT if development else "",
        sign_in_style=_SIGN_IN_STYLE if development else "",
    )
